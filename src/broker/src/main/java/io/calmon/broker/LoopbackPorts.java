package io.calmon.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports on the loopback address the embedded broker listens on. */
final class LoopbackPorts {

  private LoopbackPorts() {}

  /**
   * A port that is free now. Another process could take it before the broker binds; on a laptop or
   * a build machine that window is too small to matter.
   */
  static int free() {
    try (ServerSocket socket =
        new ServerSocket(0, 1, InetAddress.getByName(EmbeddedBrokerConfig.HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not find a free port on " + EmbeddedBrokerConfig.HOST, e);
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
