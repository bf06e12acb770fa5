package io.tether.sync;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * What a client sends compressed is inflated under the limit that applies to it, while it is
 * inflated: 16 KiB before the socket is authenticated, {@code sync.maxFrameBytes} after. Netty's own
 * permessage-deflate decoder, as Vert.x sets it up, inflates without a limit, so a 1 MB frame could
 * become 1,000 MiB on an event loop before any of Tether's checks ran.
 *
 * <p>Installed on every HTTP connection ({@link #install}): the negotiation stays Netty's, the
 * decoder is {@link BoundedInflater}, and {@link FrameRules} refuses RSV bits that no extension
 * gave meaning to (1002). A message over its limit is closed with 1009 and corrupt compressed data
 * with 1007, both with a close frame; nothing more is read from such a socket.
 */
public final class InboundCompression {
  /** The inflated size a socket's next message may reach; absent: the unauthenticated limit. */
  static final AttributeKey<IntSupplier> LIMIT = AttributeKey.valueOf("tether.inboundLimit");

  /** The limit before a socket is authenticated: an auth frame is a token. */
  public static final int UNAUTHENTICATED_BYTES = 16 * 1024;

  private static final String EXTENSION_HANDLER = "webSocketExtensionHandler";
  private static final String VERTX_HANDLER = "handler";
  private static final String FRAME_RULES = "tetherFrameRules";
  private static final int CHUNK = 8 * 1024;

  private InboundCompression() {}

  /**
   * Replaces Vert.x's extension handler on a new connection with one whose permessage-deflate
   * decoder inflates under a limit, and puts the RSV check in front of it. Call from the server's
   * connection handler, on the connection's event loop.
   */
  public static void install(HttpConnection connection, boolean deflate, int compressionLevel) {
    ChannelPipeline pipeline = ((ConnectionBase) connection).channel().pipeline();
    if (pipeline.get(EXTENSION_HANDLER) != null) {
      if (deflate) {
        pipeline.replace(EXTENSION_HANDLER, EXTENSION_HANDLER, new WebSocketServerExtensionHandler(
            new BoundedDeflateHandshaker(new PerMessageDeflateServerExtensionHandshaker(compressionLevel,
                io.netty.handler.codec.compression.ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(), 15, true, true))));
      }
      pipeline.addBefore(EXTENSION_HANDLER, FRAME_RULES, new FrameRules());
    } else if (pipeline.get(VERTX_HANDLER) != null) {
      pipeline.addBefore(VERTX_HANDLER, FRAME_RULES, new FrameRules()); // no extension is ever agreed
    }
  }

  /** The limit of this connection's next inbound messages, once it is upgraded. */
  public static void limit(HttpConnection connection, IntSupplier maxMessageBytes) {
    ((ConnectionBase) connection).channel().attr(LIMIT).set(maxMessageBytes);
  }

  static int limitOf(Channel channel) {
    IntSupplier limit = channel.attr(LIMIT).get();
    return limit == null ? UNAUTHENTICATED_BYTES : limit.getAsInt();
  }

  static void refuse(ChannelHandlerContext ctx, short code, String reason) {
    ctx.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
  }

  /** Netty's negotiation, answered with {@link BoundedInflater} as the decoder. */
  private record BoundedDeflateHandshaker(WebSocketServerExtensionHandshaker netty)
      implements WebSocketServerExtensionHandshaker {
    @Override
    public WebSocketServerExtension handshakeExtension(WebSocketExtensionData offer) {
      WebSocketServerExtension agreed = netty.handshakeExtension(offer);
      if (agreed == null) {
        return null;
      }
      boolean clientNoContext = agreed.newReponseData().parameters().containsKey("client_no_context_takeover");
      return new WebSocketServerExtension() {
        @Override
        public int rsv() {
          return agreed.rsv();
        }

        @Override
        public WebSocketExtensionEncoder newExtensionEncoder() {
          return agreed.newExtensionEncoder();
        }

        @Override
        public WebSocketExtensionDecoder newExtensionDecoder() {
          return new BoundedInflater(clientNoContext);
        }

        @Override
        public WebSocketExtensionData newReponseData() {
          return agreed.newReponseData();
        }
      };
    }
  }

  /**
   * Inflates compressed messages (RSV1 on their first frame) into plain frames, stopping at the
   * socket's limit. One per socket, on its event loop.
   */
  static final class BoundedInflater extends WebSocketExtensionDecoder {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final boolean noContext;
    private Inflater inflater;
    private boolean inCompressedMessage;
    private long messageBytes;
    private boolean refused;

    BoundedInflater(boolean noContext) {
      this.noContext = noContext;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
      if (refused) {
        return; // the close is on its way; the rest is not read
      }
      boolean first = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
      if (first) {
        inCompressedMessage = (frame.rsv() & WebSocketExtension.RSV1) != 0;
        messageBytes = 0;
      }
      if (!inCompressedMessage || !(first || frame instanceof ContinuationWebSocketFrame)) {
        out.add(frame.retain());
        return;
      }
      int limit = limitOf(ctx.channel());
      ByteBuf inflated = ctx.alloc().buffer(Math.min(CHUNK, limit + 1));
      try {
        inflate(frame, inflated, limit);
      } catch (DataFormatException e) {
        inflated.release();
        fail(ctx, CloseCodes.INVALID_PAYLOAD, "invalid compressed data");
        return;
      } catch (TooBig e) {
        inflated.release();
        fail(ctx, CloseCodes.MESSAGE_TOO_BIG, "message over " + limit + " bytes");
        return;
      }
      int rsv = frame.rsv() & ~WebSocketExtension.RSV1;
      boolean last = frame.isFinalFragment();
      out.add(first && frame instanceof TextWebSocketFrame ? new TextWebSocketFrame(last, rsv, inflated)
          : first ? new BinaryWebSocketFrame(last, rsv, inflated) : new ContinuationWebSocketFrame(last, rsv, inflated));
      if (last) {
        inCompressedMessage = false;
        if (noContext) {
          inflater.end();
          inflater = null; // the next message starts from an empty window: no state kept between them
        }
      }
    }

    private void inflate(WebSocketFrame frame, ByteBuf into, int limit) throws DataFormatException {
      if (inflater == null) {
        inflater = new Inflater(true);
      }
      ByteBuf content = frame.content();
      byte[] input = new byte[content.readableBytes() + (frame.isFinalFragment() ? TAIL.length : 0)];
      content.getBytes(content.readerIndex(), input, 0, content.readableBytes());
      if (frame.isFinalFragment()) {
        System.arraycopy(TAIL, 0, input, content.readableBytes(), TAIL.length);
      }
      inflater.setInput(input);
      byte[] chunk = new byte[CHUNK];
      while (true) {
        int n = inflater.inflate(chunk);
        if (n > 0) {
          messageBytes += n;
          if (messageBytes > limit) {
            throw new TooBig();
          }
          into.writeBytes(chunk, 0, n);
        } else if (inflater.needsDictionary()) {
          throw new DataFormatException("a preset dictionary is not part of permessage-deflate");
        } else if (inflater.finished()) {
          // A final deflate block: what follows in this message would start a new stream.
          inflater.reset();
          if (inflater.needsInput()) {
            return;
          }
        } else if (inflater.needsInput()) {
          return;
        }
      }
    }

    private void fail(ChannelHandlerContext ctx, short code, String reason) {
      refused = true;
      if (inflater != null) {
        inflater.end();
        inflater = null;
      }
      refuse(ctx, code, reason);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      if (inflater != null) {
        inflater.end();
        inflater = null;
      }
    }
  }

  private static final class TooBig extends RuntimeException {
    TooBig() {
      super(null, null, false, false);
    }
  }

  /**
   * What RFC 6455 forbids and Netty lets through, closed with 1002: RSV bits only an agreed extension
   * may set (RSV1 on the first frame of a data message when permessage-deflate was agreed, nothing
   * else, never on a control frame), and close codes no endpoint may send (7.4: below 1000, 1004 to
   * 1006, 1015 to 2999, 5000 and up), which Vert.x would otherwise echo. Sees HTTP messages before
   * the upgrade and lets them pass.
   */
  static final class FrameRules extends ChannelInboundHandlerAdapter {
    private boolean refused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof WebSocketFrame frame)) {
        ctx.fireChannelRead(msg);
        return;
      }
      if (refused) {
        ReferenceCountUtil.release(msg);
        return;
      }
      int rsv = frame.rsv();
      String problem = frame instanceof CloseWebSocketFrame close ? closeCodeProblem(close) : null;
      if (rsv != 0) {
        boolean data = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
        if (!data) {
          problem = frame instanceof ContinuationWebSocketFrame ? "RSV bits on a continuation frame" : "RSV bits on a control frame";
        } else if (rsv != WebSocketExtension.RSV1) {
          problem = "RSV2 or RSV3 set";
        } else if (ctx.pipeline().get(BoundedInflater.class) == null) {
          problem = "RSV1 set but no compression was agreed";
        }
      }
      if (problem == null) {
        ctx.fireChannelRead(msg);
        return;
      }
      refused = true;
      ReferenceCountUtil.release(msg);
      refuse(ctx, CloseCodes.PROTOCOL_ERROR, problem);
    }

    private static String closeCodeProblem(CloseWebSocketFrame close) {
      if (close.content().readableBytes() == 0) {
        return null; // no code at all is allowed
      }
      if (close.content().readableBytes() == 1) {
        return "a close frame with a one-byte payload";
      }
      int code = close.statusCode();
      boolean allowed = code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
      return allowed ? null : "close code " + code + " may not be sent";
    }
  }
}
