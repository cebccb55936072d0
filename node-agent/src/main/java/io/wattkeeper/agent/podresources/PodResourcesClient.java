package io.wattkeeper.agent.podresources;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.wattkeeper.agent.podresources.v1.ListPodResourcesRequest;
import io.wattkeeper.agent.podresources.v1.ListPodResourcesResponse;
import io.wattkeeper.agent.podresources.v1.PodResourcesListerGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet PodResources v1 API over its Unix socket: gRPC with the epoll domain-socket transport
 * that grpc-netty-shaded bundles. One channel, opened on first use; gRPC reconnects by path when
 * the kubelet restarts and recreates the socket.
 */
final class PodResourcesClient implements AutoCloseable {

  private final Path socket;
  private final Duration timeout;
  private EventLoopGroup group;
  private ManagedChannel channel;

  PodResourcesClient(Path socket, Duration timeout) {
    this.socket = socket;
    this.timeout = timeout;
  }

  /** Whether the native epoll transport loads here (Linux x86_64/aarch64 with a writable tmp). */
  static boolean transportAvailable() {
    return Epoll.isAvailable();
  }

  static Throwable transportUnavailabilityCause() {
    return Epoll.unavailabilityCause();
  }

  /**
   * @throws io.grpc.StatusRuntimeException when the kubelet is unreachable, refuses, or misses the
   *     deadline
   */
  synchronized ListPodResourcesResponse list() {
    return PodResourcesListerGrpc.newBlockingStub(channel())
        .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .list(ListPodResourcesRequest.getDefaultInstance());
  }

  private ManagedChannel channel() {
    if (channel == null) {
      group = new EpollEventLoopGroup(1);
      channel =
          NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
              .channelType(EpollDomainSocketChannel.class)
              .eventLoopGroup(group)
              // gRPC sets TCP keep-alive, which a Unix socket lacks: Netty would warn per connect.
              .withOption(ChannelOption.SO_KEEPALIVE, null)
              .usePlaintext()
              // grpc-java would send the socket path as :authority; kubelet's own clients say
              // "localhost".
              .overrideAuthority("localhost")
              .build();
    }
    return channel;
  }

  @Override
  public synchronized void close() {
    if (channel != null) {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      channel = null;
      group = null;
    }
  }
}
