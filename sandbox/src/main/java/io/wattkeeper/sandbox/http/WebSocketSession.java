package io.wattkeeper.sandbox.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The server side of a WebSocket (RFC 6455), as much as a watch needs: unmasked text frames out,
 * masked frames in (close and ping answered, the rest ignored).
 */
public final class WebSocketSession {
  private final InputStream in;
  private final OutputStream out;
  private volatile boolean closed;

  WebSocketSession(InputStream in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  public boolean closed() {
    return closed;
  }

  public void sendText(String text) throws IOException {
    send(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a close frame (1000: normal) once. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      send(0x8, new byte[] {0x03, (byte) 0xE8});
    } catch (IOException e) {
      // the peer is gone already
    }
  }

  private synchronized void send(int opcode, byte[] payload) throws IOException {
    out.write(0x80 | opcode);
    int n = payload.length;
    if (n < 126) {
      out.write(n);
    } else if (n < 65536) {
      out.write(126);
      out.write(n >>> 8);
      out.write(n & 0xff);
    } else {
      out.write(127);
      for (int i = 7; i >= 0; i--) {
        out.write(i >= 4 ? 0 : (n >>> (8 * i)) & 0xff);
      }
    }
    out.write(payload);
    out.flush();
  }

  /**
   * Reads client frames until the client closes or the connection drops; answers pings. Blocks: run
   * it on the connection's own thread while events are sent from another.
   */
  public void readUntilClosed() {
    try {
      while (!closed) {
        int b0 = readByte();
        int b1 = readByte();
        int opcode = b0 & 0x0f;
        long len = b1 & 0x7f;
        if (len == 126) {
          len = (readByte() << 8) | readByte();
        } else if (len == 127) {
          len = 0;
          for (int i = 0; i < 8; i++) {
            len = (len << 8) | readByte();
          }
        }
        byte[] mask = new byte[4];
        if ((b1 & 0x80) != 0) {
          for (int i = 0; i < 4; i++) {
            mask[i] = (byte) readByte();
          }
        }
        byte[] payload = in.readNBytes((int) len);
        for (int i = 0; i < payload.length; i++) {
          payload[i] ^= mask[i % 4];
        }
        if (opcode == 0x8) {
          close();
          return;
        } else if (opcode == 0x9) {
          send(0xA, payload);
        }
      }
    } catch (IOException e) {
      closed = true;
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException();
    }
    return b;
  }
}
