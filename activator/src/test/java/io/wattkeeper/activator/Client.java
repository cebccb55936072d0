package io.wattkeeper.activator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A raw TCP client: sends bytes, reads until the server closes. */
final class Client implements AutoCloseable {

  final Socket socket;

  Client(int port, String send) throws IOException {
    this(port, send.getBytes(StandardCharsets.ISO_8859_1));
  }

  Client(int port, byte[] send) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(15_000);
    socket.getOutputStream().write(send);
    socket.getOutputStream().flush();
  }

  static String httpGet(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: model\r\nConnection: close\r\n\r\n";
  }

  /** Everything until EOF. */
  String readAll() throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
