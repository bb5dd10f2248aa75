package io.calmon.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ports on the loopback address the embedded broker listens on. */
final class LoopbackPorts {

  private LoopbackPorts() {}

  /**
   * {@code count} ports that are free now, all different and none of {@code taken}: the sockets
   * stay open until every port is chosen, so the system cannot hand one out twice (asking one at a
   * time, a port just released can come back for the next listener, and Kafka refuses two listeners
   * on one port). Another process could take a port before the broker binds; on a laptop or a build
   * machine that window is too small to matter.
   */
  static int[] free(int count, int... taken) {
    List<ServerSocket> open = new ArrayList<>();
    int[] ports = new int[count];
    try {
      InetAddress host = InetAddress.getByName(EmbeddedBrokerConfig.HOST);
      int found = 0;
      while (found < count) {
        ServerSocket socket = new ServerSocket(0, 1, host);
        open.add(socket);
        int port = socket.getLocalPort();
        if (Arrays.stream(taken).noneMatch(t -> t == port)) {
          ports[found++] = port;
        }
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not find a free port on " + EmbeddedBrokerConfig.HOST, e);
    } finally {
      for (ServerSocket socket : open) {
        try {
          socket.close();
        } catch (IOException e) {
          // Closing a listening socket that accepted nothing: nothing to do.
        }
      }
    }
  }

  /**
   * Fails early, with one clear message, for a given port that is taken; otherwise Kafka would log
   * several errors with stack traces before failing the start.
   *
   * @throws IllegalStateException naming the port
   */
  static void checkFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(EmbeddedBrokerConfig.HOST), port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "port " + port + " on " + EmbeddedBrokerConfig.HOST + " is in use", e);
    }
  }
}
