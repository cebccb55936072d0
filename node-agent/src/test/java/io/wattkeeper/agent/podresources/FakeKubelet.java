package io.wattkeeper.agent.podresources;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import io.wattkeeper.agent.podresources.v1.ListPodResourcesRequest;
import io.wattkeeper.agent.podresources.v1.ListPodResourcesResponse;
import io.wattkeeper.agent.podresources.v1.PodResourcesListerGrpc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PodResources server on a real Unix socket, answering List as scripted: a response, an error
 * status, or a response after a delay.
 */
public final class FakeKubelet implements AutoCloseable {

  private final Server server;
  private final EventLoopGroup boss = new EpollEventLoopGroup(1);
  private final EventLoopGroup workers = new EpollEventLoopGroup(1);
  private final AtomicInteger calls = new AtomicInteger();
  private volatile ListPodResourcesResponse response =
      ListPodResourcesResponse.getDefaultInstance();
  private volatile Status error;
  private volatile long delayMillis;
  private volatile String authoritySeen;

  public FakeKubelet(Path socket) throws IOException {
    server =
        NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .withChildOption(io.grpc.netty.shaded.io.netty.channel.ChannelOption.SO_KEEPALIVE, null)
            .addService(
                io.grpc.ServerInterceptors.intercept(
                    new Lister(),
                    new io.grpc.ServerInterceptor() {
                      @Override
                      public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(
                          io.grpc.ServerCall<Q, R> call,
                          io.grpc.Metadata headers,
                          io.grpc.ServerCallHandler<Q, R> next) {
                        authoritySeen = call.getAuthority();
                        return next.startCall(call, headers);
                      }
                    }))
            .build()
            .start();
  }

  public FakeKubelet answer(ListPodResourcesResponse response) {
    this.response = response;
    this.error = null;
    this.delayMillis = 0;
    return this;
  }

  FakeKubelet fail(Status status) {
    this.error = status;
    return this;
  }

  FakeKubelet delay(long millis) {
    this.delayMillis = millis;
    return this;
  }

  int calls() {
    return calls.get();
  }

  String authoritySeen() {
    return authoritySeen;
  }

  private final class Lister extends PodResourcesListerGrpc.PodResourcesListerImplBase {
    @Override
    public void list(
        ListPodResourcesRequest request, StreamObserver<ListPodResourcesResponse> observer) {
      calls.incrementAndGet();
      if (delayMillis > 0) {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Status failure = error;
      if (failure != null) {
        observer.onError(failure.asRuntimeException());
        return;
      }
      observer.onNext(response);
      observer.onCompleted();
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
