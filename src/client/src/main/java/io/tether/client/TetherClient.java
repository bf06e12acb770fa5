package io.tether.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.jspecify.annotations.Nullable;

/**
 * One connection to a Tether server, shared by every space the app opens. It reconnects by itself
 * with full-jitter backoff and resumes each space from its saved cursor.
 *
 * <p>All state lives on one thread of the client's own ("tether-client"): the socket's frames, the
 * spaces, storage. Calls from any thread are handed to it; listeners are told on the
 * {@link Builder#callbackExecutor} (Android: the main thread's), by default on that thread.
 */
public final class TetherClient implements AutoCloseable {
  /** The socket's state, as an app shows it. */
  public enum Status { OFFLINE, CONNECTING, ONLINE, PAUSED, CLOSED }

  private final Rest rest;
  private final TokenProvider tokens;
  final TetherStorage storage;
  private final OkHttpClient socketHttp;
  // The OkHttpClient this client made (none when the app passed its own): released by close().
  private final @Nullable OkHttpClient ownedHttp;
  final ScheduledExecutorService loop;
  private final Thread loopThread;
  final Executor callbacks;
  private final long minBackoffMs;
  private final long maxBackoffMs;
  private final Listeners<Status> statusListeners;
  private final Listeners<TetherException> errorListeners;
  final Map<String, Space> openSpaces = new LinkedHashMap<>();
  private final Map<String, Space> requests = new HashMap<>();

  private Status status = Status.OFFLINE;
  private @Nullable WebSocket socket;
  private boolean wanted;
  private int attempt;
  private boolean refreshNext;
  private @Nullable String userId;
  private @Nullable String currentToken;
  private long socketExpiresAt;
  private @Nullable ScheduledFuture<?> reconnect;
  private long frameIds;

  private TetherClient(Builder b) {
    this.tokens = b.tokens;
    this.storage = b.storage;
    this.minBackoffMs = b.minBackoff.toMillis();
    this.maxBackoffMs = b.maxBackoff.toMillis();
    Thread[] holder = new Thread[1];
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tether-client");
      t.setDaemon(true);
      holder[0] = t;
      return t;
    });
    try {
      loop.submit(() -> { }).get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
    this.loopThread = holder[0];
    this.callbacks = b.callbackExecutor == null ? loop : b.callbackExecutor;
    OkHttpClient http = b.http == null ? new OkHttpClient() : b.http;
    this.ownedHttp = b.http == null ? http : null;
    this.rest = new Rest(http, b.url);
    // A peer that vanished (a phone changing networks) may never report closing: unanswered pings close it.
    this.socketHttp = http.newBuilder().pingInterval(b.pingInterval).build();
    this.statusListeners = new Listeners<>(callbacks);
    this.errorListeners = new Listeners<>(callbacks);
  }

  public static Builder builder(String url, TokenProvider tokens) {
    return new Builder(url, tokens);
  }

  /** How a client is made; only the URL and the token provider are needed. */
  public static final class Builder {
    private final String url;
    private final TokenProvider tokens;
    private TetherStorage storage = new MemoryStorage();
    private @Nullable OkHttpClient http;
    private @Nullable Executor callbackExecutor;
    private Duration minBackoff = Duration.ofMillis(250);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration pingInterval = Duration.ofSeconds(25);

    private Builder(String url, TokenProvider tokens) {
      this.url = Objects.requireNonNull(url);
      this.tokens = Objects.requireNonNull(tokens);
    }

    /** Where spaces and queued writes are kept; without it, nothing survives the process. */
    public Builder storage(TetherStorage storage) {
      this.storage = storage;
      return this;
    }

    /** Share the app's OkHttpClient (its pool, proxy, certificate pinning). */
    public Builder http(OkHttpClient http) {
      this.http = http;
      return this;
    }

    /** Where listeners run (Android: {@code new Handler(Looper.getMainLooper())::post}). */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = executor;
      return this;
    }

    /** Reconnect delays: random between 0 and min·2^attempt, at most max (full jitter). */
    public Builder backoff(Duration min, Duration max) {
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    public Builder pingInterval(Duration interval) {
      this.pingInterval = interval;
      return this;
    }

    public TetherClient build() {
      return new TetherClient(this);
    }
  }

  // ---- the app's calls

  /** Opens the socket and keeps it open until {@link #pause} or {@link #close}. */
  public TetherClient connect() {
    onLoop(() -> {
      wanted = true;
      if (socket == null && reconnect == null && status != Status.CLOSED) {
        open();
      }
    });
    return this;
  }

  /** Offline on purpose (the app went to the background): writes queue up until {@link #resume}. */
  public void pause() {
    onLoop(() -> {
      wanted = false;
      stopSocket();
      setStatus(Status.PAUSED);
    });
  }

  public TetherClient resume() {
    return connect();
  }

  /** The platform says the network is back: try now rather than at the end of the backoff. */
  public void networkAvailable() {
    onLoop(() -> {
      if (wanted && socket == null && reconnect != null) {
        reconnect.cancel(false);
        reconnect = null;
        attempt = 0;
        open();
      }
    });
  }

  /**
   * Closes the socket and every space (their saved copies and queues stay for the next start), and
   * releases the threads and connections this client made, so a program can end as soon as it
   * returns. An OkHttpClient the app passed in stays the app's.
   */
  @Override
  public void close() {
    if (loop.isShutdown()) {
      return;
    }
    call(() -> {
      wanted = false;
      stopSocket();
      openSpaces.values().forEach(Space::detach);
      openSpaces.clear();
      setStatus(Status.CLOSED);
      return null;
    });
    loop.shutdown();
    if (ownedHttp != null) {
      Rest.release(ownedHttp);
    }
  }

  public Status status() {
    return call(() -> status);
  }

  /** The signed-in user, once the socket has authenticated. */
  public @Nullable String userId() {
    return call(() -> userId);
  }

  public Registration onStatus(Consumer<Status> listener) {
    return statusListeners.add(listener);
  }

  /** Errors nothing else reports: a refused token, a frame refused outside any space. */
  public Registration onError(Consumer<TetherException> listener) {
    return errorListeners.add(listener);
  }

  /** The space, opened on first use: its saved copy at once, then loaded or resumed and kept current. */
  public Space space(String id) {
    return space(id, true);
  }

  /** {@code presence: false} syncs without showing this device as present (and without presence or signals). */
  public Space space(String id, boolean presence) {
    return openSpace(id, presence, null);
  }

  /**
   * The space filtered by {@code query}: only the matching documents, kept current. One query per
   * space per client: close the space to open it with another. Saved apart from the whole space's copy.
   */
  public Space space(String id, Query query) {
    return openSpace(id, false, query);
  }

  private Space openSpace(String id, boolean presence, @Nullable Query query) {
    return call(() -> {
      Space space = openSpaces.get(id);
      if (space == null) {
        space = new Space(this, id, presence, query);
        openSpaces.put(id, space);
        space.restore();
        if (status == Status.ONLINE) {
          space.onConnected();
        }
      }
      return space;
    });
  }

  /** A REST call with the current token, retried once with a fresh one on {@code token_expired}. */
  public CompletableFuture<@Nullable JsonObject> request(String method, String path, @Nullable JsonElement body) {
    return tokens.token(false)
        .thenCompose(token -> rest.call(method, path, token, body))
        .handle((answer, error) -> {
          if (error == null) {
            return CompletableFuture.completedFuture(answer);
          }
          TetherException refused = Rest.cause(error);
          if (refused.status() == 401 && "token_expired".equals(refused.code())) {
            return tokens.token(true).thenCompose(token -> rest.call(method, path, token, body));
          }
          return CompletableFuture.<@Nullable JsonObject>failedFuture(refused);
        })
        .thenCompose(f -> f);
  }

  // ---- the loop thread

  /** Runs on the client's thread; from that thread itself, at once. */
  void onLoop(Runnable task) {
    if (Thread.currentThread() == loopThread) {
      task.run();
    } else if (!loop.isShutdown()) {
      loop.execute(task);
    }
  }

  /** Hands a task to the client's thread, unless the client is closed. */
  void post(Runnable task) {
    try {
      loop.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // closed: the socket's last words are not needed
    }
  }

  /** Runs on the client's thread and answers; from that thread itself, at once. */
  <T> T call(Supplier<T> task) {
    if (Thread.currentThread() == loopThread) {
      return task.get();
    }
    try {
      return loop.submit(task::get).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : new IllegalStateException(e.getCause());
    } catch (java.util.concurrent.RejectedExecutionException e) {
      throw new IllegalStateException("the client is closed", e);
    }
  }

  Status currentStatus() {
    return status;
  }

  void emitError(TetherException error) {
    errorListeners.emit(error);
  }

  private void setStatus(Status next) {
    if (status != next && status != Status.CLOSED) {
      status = next;
      statusListeners.emit(next);
    }
  }

  private void open() {
    reconnect = null;
    if (!wanted) {
      return;
    }
    setStatus(Status.CONNECTING);
    String url = rest.base().toString().replaceFirst("^http", "ws") + "v1/sync";
    WebSocket[] mine = new WebSocket[1];
    mine[0] = socketHttp.newWebSocket(new Request.Builder().url(url).build(), new WebSocketListener() {
      @Override
      public void onOpen(WebSocket ws, Response response) {
        post(() -> authenticate(ws));
      }

      @Override
      public void onMessage(WebSocket ws, String text) {
        post(() -> {
          if (socket != ws) {
            return;
          }
          JsonObject frame;
          try {
            frame = JsonParser.parseString(text).getAsJsonObject();
          } catch (RuntimeException e) {
            return;
          }
          onFrame(frame);
        });
      }

      @Override
      public void onClosing(WebSocket ws, int code, String reason) {
        ws.close(1000, null);
        post(() -> lost(ws, code));
      }

      @Override
      public void onClosed(WebSocket ws, int code, String reason) {
        post(() -> lost(ws, code));
      }

      @Override
      public void onFailure(WebSocket ws, Throwable t, @Nullable Response response) {
        post(() -> lost(ws, 0));
      }
    });
    socket = mine[0];
  }

  private void authenticate(WebSocket ws) {
    boolean refresh = refreshNext;
    refreshNext = false;
    tokens.token(refresh).whenCompleteAsync((token, error) -> {
      if (socket != ws) {
        return;
      }
      if (error != null) {
        emitError(Rest.cause(error));
        ws.cancel();
        lost(ws, 0);
        return;
      }
      currentToken = token;
      JsonObject auth = new JsonObject();
      auth.addProperty("type", "auth");
      auth.addProperty("token", token);
      ws.send(auth.toString());
    }, loop);
  }

  private void lost(WebSocket ws, int code) {
    if (socket != ws) {
      return;
    }
    dropSocket();
    // 4001: the token expired: the next attempt asks for a fresh one. 1008: refused; one fresh token is tried too.
    if (code == 4001 || code == 1008) {
      refreshNext = true;
    }
    if (code == 1008) {
      emitError(new TetherException(401, "unauthorized", "access token refused"));
    }
    scheduleReconnect();
  }

  private void onFrame(JsonObject frame) {
    String type = text(frame, "type");
    switch (type == null ? "" : type) {
      case "authenticated": {
        long expiresAt = frame.has("expiresAt") ? frame.get("expiresAt").getAsLong() : Long.MAX_VALUE;
        if (status != Status.ONLINE) {
          userId = text(frame, "userId");
          attempt = 0;
          socketExpiresAt = expiresAt;
          setStatus(Status.ONLINE);
          new ArrayList<>(openSpaces.values()).forEach(Space::onConnected);
        } else if (expiresAt <= socketExpiresAt) {
          // The renewal expires no later (issued in the same second as the old one): renew again shortly.
          WebSocket ws = socket;
          loop.schedule(() -> { if (socket == ws) { renewOnSocket(); } }, 1, TimeUnit.SECONDS);
        } else {
          socketExpiresAt = expiresAt;
        }
        return;
      }
      case "token_expiring":
        renewOnSocket();
        return;
      case "pong":
        return;
      default:
        String id = text(frame, "id");
        Space asker = id == null ? null : requests.get(id);
        if (asker != null && ("ack".equals(type) || "error".equals(type) || "synced".equals(type)
            || "resync_required".equals(type))) {
          requests.remove(id);
          if (!asker.detached) {
            asker.onFrame(frame);
          }
          return;
        }
        String spaceId = text(frame, "space");
        if (spaceId == null && id != null && "error".equals(type)) {
          String[] parts = id.split(":");
          spaceId = parts.length >= 3 ? String.join(":", java.util.Arrays.copyOfRange(parts, 1, parts.length - 1)) : null;
        }
        Space space = spaceId == null ? null : openSpaces.get(spaceId);
        if (space != null) {
          space.onFrame(frame);
        } else if ("error".equals(type)) {
          emitError(new TetherException(0, String.valueOf(text(frame, "code")), String.valueOf(text(frame, "message"))));
        }
    }
  }

  /** A fresh token for the live socket, so it is not closed when the old one expires. */
  private void renewOnSocket() {
    tokens.token(true).whenCompleteAsync((token, error) -> {
      if (error != null) {
        emitError(Rest.cause(error));
      } else if (!token.equals(currentToken)) { // the same one again would only be warned about again
        currentToken = token;
        JsonObject auth = new JsonObject();
        auth.addProperty("type", "auth");
        auth.addProperty("token", token);
        send(auth);
      }
    }, this::post);
  }

  static @Nullable String text(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }

  /** Sends a frame if the socket is authenticated; false otherwise (the caller sends again on reconnect). */
  boolean send(JsonObject frame) {
    WebSocket ws = socket;
    if (ws != null && (status == Status.ONLINE || "auth".equals(text(frame, "type")))) {
      return ws.send(frame.toString());
    }
    return false;
  }

  /** Sends a frame whose answer (ack, synced, error) goes back to the space: its id, or null if offline. */
  @Nullable String ask(Space space, String prefix, JsonObject frame) {
    String id = prefix + "-" + ++frameIds;
    frame.addProperty("id", id);
    if (!send(frame)) {
      return null;
    }
    requests.put(id, space);
    return id;
  }

  /** Sends a frame answered only if refused; its id names the space, so the error finds it. */
  boolean tell(Space space, String prefix, JsonObject frame) {
    frame.addProperty("id", prefix + ":" + space.id + ":" + ++frameIds);
    return send(frame);
  }

  private void dropSocket() {
    socket = null;
    requests.clear();
    if (status == Status.ONLINE || status == Status.CONNECTING) {
      setStatus(Status.OFFLINE);
    }
    new ArrayList<>(openSpaces.values()).forEach(Space::onDisconnected);
  }

  private void stopSocket() {
    if (reconnect != null) {
      reconnect.cancel(false);
      reconnect = null;
    }
    WebSocket ws = socket;
    if (ws != null) {
      dropSocket();
      ws.close(1000, "client closing");
    }
  }

  private void scheduleReconnect() {
    if (!wanted || reconnect != null || loop.isShutdown()) {
      return;
    }
    // Full jitter: a server restart does not bring every phone back in the same instant.
    long ceiling = Math.min(maxBackoffMs, minBackoffMs << Math.min(attempt, 16));
    attempt++;
    reconnect = loop.schedule(this::open, ThreadLocalRandom.current().nextLong(Math.max(1, ceiling)), TimeUnit.MILLISECONDS);
  }
}
