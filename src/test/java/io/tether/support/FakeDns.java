package io.tether.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DNS server on a UDP port of 127.0.0.1 that answers A queries from a map the test changes while
 * it runs (TTL 0), as a rebinding attacker's server does; every other query gets an empty answer.
 */
public final class FakeDns implements AutoCloseable {
  private final DatagramSocket socket;
  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private final Thread thread;

  public FakeDns() throws IOException {
    socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    thread = new Thread(this::serve, "fake-dns");
    thread.setDaemon(true);
    thread.start();
  }

  /** {@code host:port} for {@code webhooks.dnsServer}. */
  public String address() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  /** From now on {@code name} resolves to the IPv4 {@code address}. */
  public void answer(String name, String address) {
    answers.put(name.toLowerCase(java.util.Locale.ROOT), address);
  }

  private void serve() {
    byte[] buffer = new byte[1500];
    while (!socket.isClosed()) {
      try {
        DatagramPacket query = new DatagramPacket(buffer, buffer.length);
        socket.receive(query);
        byte[] reply = reply(query.getData(), query.getLength());
        socket.send(new DatagramPacket(reply, reply.length, query.getSocketAddress()));
      } catch (IOException e) {
        return;
      }
    }
  }

  private byte[] reply(byte[] q, int length) throws IOException {
    // The question: labels from byte 12, then type and class.
    int at = 12;
    StringBuilder name = new StringBuilder();
    while (q[at] != 0) {
      int len = q[at] & 0xff;
      if (name.length() > 0) {
        name.append('.');
      }
      name.append(new String(q, at + 1, len, StandardCharsets.US_ASCII));
      at += len + 1;
    }
    int questionEnd = at + 5;
    int type = ((q[at + 1] & 0xff) << 8) | (q[at + 2] & 0xff);
    String address = type == 1 ? answers.get(name.toString().toLowerCase(java.util.Locale.ROOT)) : null;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(q, 0, 2);                       // the query's id
    out.write(new byte[] {(byte) 0x81, (byte) 0x80, 0, 1, 0, (byte) (address == null ? 0 : 1), 0, 0, 0, 0});
    out.write(q, 12, questionEnd - 12);       // the question, as asked
    if (address != null) {
      out.write(new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4});
      out.write(InetAddress.getByName(address).getAddress());
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    socket.close();
  }
}
