package io.tether.sync;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Transport} over a Vert.x server WebSocket, writing below it. Data frames and pings are
 * finished wire bytes from the event loop's {@link WireFrames}, written from Netty's frame encoder
 * towards the socket: the same buffer goes to every socket of the loop, with no per-socket copy,
 * framing or compression. Vert.x still reads the socket, answers the client's pings and closes.
 *
 * <p>Live changes stop at the soft bound ({@code sync.writeQueueBytes}: the channel's high water
 * mark, see {@link #writeQueueFull}); replies (pongs, acks, errors) are still written past it, up to
 * the hard bound ({@code sync.maxWriteQueueBytes}): a client that keeps sending frames and never
 * reads the answers has its connection closed there, so its queue cannot grow without end (no close
 * frame: it could only wait behind the queue).
 */
final class WebSocketTransport implements Transport {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebSocketTransport.class);

  private final ServerWebSocket socket;
  private final WireFrames frames;
  private final Channel channel;
  private final ChannelHandlerContext wire;
  private final VoidChannelPromise noListener;
  private final long overSoftBound;
  private boolean cutOff;
  private List<Runnable> onDrain;
  // Bytes written while the channel was already over its soft bound; reset when it drains.
  private long writtenOverSoftBound;
  // Netty adds permessage-deflate's handlers once the 101 response is written: until the client's
  // first frame shows that it has been, the question stays open (uncompressed frames are valid either way).
  private boolean deflateSettled;
  private boolean deflate;

  WebSocketTransport(ServerWebSocket socket, HttpConnection connection, WireFrames frames, int writeQueueBytes,
                     int maxWriteQueueBytes) {
    this.socket = socket;
    this.frames = frames;
    // Vert.x Web hands out a wrapper of the socket; the upgraded connection is the request's own.
    this.channel = ((ConnectionBase) connection).channel();
    ChannelPipeline pipeline = channel.pipeline();
    // Writing from the encoder's context sends bytes to the handlers before it, i.e. to the socket.
    this.wire = pipeline.context(WebSocketFrameEncoder.class);
    this.noListener = new VoidChannelPromise(channel, false);
    this.overSoftBound = (long) maxWriteQueueBytes - writeQueueBytes;
    socket.setWriteQueueMaxSize(writeQueueBytes);
  }

  @Override
  public void send(String frame) {
    if (!socket.isClosed() && admits(frame.length())) {
      wire.writeAndFlush(frames.text(frame, deflate()), noListener);
    }
  }

  @Override
  public void sendEncoded(byte[] utf8) {
    if (!socket.isClosed() && admits(utf8.length)) {
      wire.writeAndFlush(frames.text(utf8, deflate()), noListener);
    }
  }

  /** The client has sent a frame, so it has read the 101 response and the extensions are settled. */
  void clientSpoke() {
    if (!deflateSettled) {
      deflate();
      deflateSettled = true;
    }
  }

  private boolean deflate() {
    if (!deflateSettled) {
      deflate = wire.pipeline().get(WebSocketExtensionEncoder.class) != null;
      deflateSettled = deflate;
    }
    return deflate;
  }

  /** False, and the socket closing, once what was written past the soft bound passes the hard one. */
  private boolean admits(long bytes) {
    if (cutOff) {
      return false;
    }
    if (channel.isWritable()) {
      return true;
    }
    writtenOverSoftBound += bytes;
    if (writtenOverSoftBound <= overSoftBound) {
      return true;
    }
    // A close frame would wait behind the full queue for ever (and the peer would never read it):
    // the TCP connection is closed under it. The socket's close handler ends its session as usual.
    cutOff = true;
    LOG.info("Closed a WebSocket whose client sends but does not read ({} bytes queued past the soft bound)",
        writtenOverSoftBound);
    // From below Vert.x's handler, whose close would first queue a close frame behind the full queue.
    wire.close();
    return false;
  }

  @Override
  public boolean writeQueueFull() {
    // A socket that closed under a live change is full for good: nothing more is written to it, and
    // its close handler ends its subscriptions.
    return socket.isClosed() || !channel.isWritable();
  }

  @Override
  public void whenDrained(Runnable action) {
    if (onDrain != null) {
      onDrain.add(action);
      return;
    }
    onDrain = new ArrayList<>();
    onDrain.add(action);
    // An empty write completes once everything queued before it has gone to the kernel. A closed
    // socket fails it: the waiting actions are dropped, its session is ending.
    wire.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
      List<Runnable> waiting = onDrain;
      onDrain = null;
      if (written.isSuccess()) {
        writtenOverSoftBound = 0;
        waiting.forEach(Runnable::run);
      }
    });
  }

  @Override
  public void ping() {
    if (!socket.isClosed()) {
      wire.writeAndFlush(frames.ping(), noListener);
    }
  }

  @Override
  public void close(short code, String reason) {
    if (!socket.isClosed()) {
      socket.close(code, reason);
    }
  }
}
