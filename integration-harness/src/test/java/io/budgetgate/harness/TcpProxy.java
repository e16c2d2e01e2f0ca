package io.budgetgate.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP relay in front of a server (PostgreSQL, SMTP) that a scenario can cut (every connection
 * dropped, new ones refused: what clients see while the server restarts) and restore on the same
 * port, or tell to swallow the server's replies once the client has sent a marker (SMTP's end of
 * data: the server has the whole message, the client never hears that it took it).
 */
final class TcpProxy implements AutoCloseable {
  private final String upstreamHost;
  private final int upstreamPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private volatile byte[] holdRepliesAfter;

  TcpProxy(String upstreamHost, int upstreamPort) throws IOException {
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      this.port = probe.getLocalPort();
    }
    restore();
  }

  int port() {
    return port;
  }

  /** Like a PostgreSQL restart from the client's side: connections reset, the port refuses. */
  synchronized void cut() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
    sockets.clear();
  }

  /**
   * From now on, on each connection, once the client has sent {@code marker} every later byte from
   * the server is dropped: the client waits for an answer that never comes.
   */
  void holdRepliesAfter(String marker) {
    holdRepliesAfter = marker.getBytes(StandardCharsets.US_ASCII);
  }

  synchronized void restore() throws IOException {
    ServerSocket listening = new ServerSocket();
    listening.setReuseAddress(true);
    listening.bind(new InetSocketAddress("127.0.0.1", port));
    server = listening;
    Thread acceptor = new Thread(() -> accept(listening), "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        Socket upstream = new Socket(upstreamHost, upstreamPort);
        sockets.add(client);
        sockets.add(upstream);
        AtomicBoolean held = new AtomicBoolean();
        pipe(client, upstream, held, true);
        pipe(upstream, client, held, false);
      } catch (IOException e) {
        // closed by cut(), or upstream refused: the client sees a reset
      }
    }
  }

  /**
   * Copies one direction. The client's direction watches for the marker and sets {@code held};
   * the server's direction drops what it reads once {@code held} is set.
   */
  private void pipe(Socket from, Socket to, AtomicBoolean held, boolean fromClient) {
    Thread t = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        byte[] buffer = new byte[8192];
        byte[] tail = new byte[0]; // the last bytes seen, so a marker split across reads is found
        int n;
        while ((n = in.read(buffer)) >= 0) {
          byte[] marker = holdRepliesAfter;
          if (fromClient && marker != null && !held.get()) {
            byte[] seen = new byte[tail.length + n];
            System.arraycopy(tail, 0, seen, 0, tail.length);
            System.arraycopy(buffer, 0, seen, tail.length, n);
            if (indexOf(seen, marker) >= 0) {
              held.set(true);
            }
            tail = Arrays.copyOfRange(seen, Math.max(0, seen.length - marker.length), seen.length);
          }
          if (fromClient || !held.get()) {
            out.write(buffer, 0, n);
            out.flush();
          }
        }
      } catch (IOException e) {
        // connection closed
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "tcp-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  private static int indexOf(byte[] data, byte[] marker) {
    outer:
    for (int i = 0; i + marker.length <= data.length; i++) {
      for (int j = 0; j < marker.length; j++) {
        if (data[i + j] != marker[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
    sockets.remove(socket);
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
