package io.tether.client;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Built-in accounts: register or log in, then hand this to the client as its {@link TokenProvider}.
 * The session is kept in storage (key {@code session}) so the next start is signed in. Refresh tokens
 * rotate on every use, so one refresh runs at a time and every caller waits for it.
 */
public final class TetherAuth implements TokenProvider, AutoCloseable {
  private static final long REFRESH_AHEAD_MS = 30_000;
  private final Rest rest;
  private final @Nullable OkHttpClient ownedHttp;
  private final TetherStorage storage;
  private final Object lock = new Object();
  private @Nullable Session session;
  private @Nullable CompletableFuture<String> refreshing;

  /** A signed-in session. */
  public static final class Session {
    public final String userId;
    public final String accessToken;
    public final String refreshToken;
    public final long expiresAtMillis;

    Session(String userId, String accessToken, String refreshToken, long expiresAtMillis) {
      this.userId = userId;
      this.accessToken = accessToken;
      this.refreshToken = refreshToken;
      this.expiresAtMillis = expiresAtMillis;
    }
  }

  public TetherAuth(String baseUrl, TetherStorage storage) {
    this(baseUrl, storage, new OkHttpClient(), true);
  }

  /** With the app's own OkHttpClient, which {@link #close} leaves alone. */
  public TetherAuth(String baseUrl, TetherStorage storage, OkHttpClient http) {
    this(baseUrl, storage, http, false);
  }

  private TetherAuth(String baseUrl, TetherStorage storage, OkHttpClient http, boolean owned) {
    this.rest = new Rest(http, baseUrl);
    this.ownedHttp = owned ? http : null;
    this.storage = storage;
    this.session = restore(storage);
  }

  /**
   * Releases the threads and connections of the OkHttpClient this object made (none when the app
   * passed its own), so a program can end at once. The session stays saved.
   */
  @Override
  public void close() {
    if (ownedHttp != null) {
      Rest.release(ownedHttp);
    }
  }

  private static @Nullable Session restore(TetherStorage storage) {
    try {
      String saved = storage.read("session");
      if (saved == null) {
        return null;
      }
      JsonObject s = JsonParser.parseString(saved).getAsJsonObject();
      return new Session(s.get("userId").getAsString(), s.get("accessToken").getAsString(),
          s.get("refreshToken").getAsString(), s.get("expiresAt").getAsLong());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The signed-in user, or null. */
  public @Nullable String userId() {
    Session s = current();
    return s == null ? null : s.userId;
  }

  public @Nullable Session current() {
    synchronized (lock) {
      return session;
    }
  }

  public CompletableFuture<Session> register(String email, String password) {
    return signIn("/v1/auth/register", credentials(email, password));
  }

  public CompletableFuture<Session> login(String email, String password) {
    return signIn("/v1/auth/login", credentials(email, password));
  }

  /** Signs out here and ends the session on the server (which may be unreachable: it is forgotten here anyway). */
  public CompletableFuture<Void> logout() {
    Session ending;
    synchronized (lock) {
      ending = session;
      session = null;
    }
    forget();
    if (ending == null) {
      return CompletableFuture.completedFuture(null);
    }
    JsonObject body = new JsonObject();
    body.addProperty("refreshToken", ending.refreshToken);
    return rest.call("POST", "/v1/auth/logout", null, body).handle((ok, error) -> null);
  }

  @Override
  public CompletableFuture<String> token(boolean refresh) {
    CompletableFuture<String> running;
    Session s;
    synchronized (lock) {
      s = session;
      if (s == null) {
        return CompletableFuture.failedFuture(new TetherException(401, "unauthorized", "not signed in"));
      }
      if (!refresh && s.expiresAtMillis - System.currentTimeMillis() > REFRESH_AHEAD_MS) {
        return CompletableFuture.completedFuture(s.accessToken);
      }
      if (refreshing != null) {
        return refreshing;
      }
      refreshing = running = new CompletableFuture<>();
    }
    JsonObject body = new JsonObject();
    body.addProperty("refreshToken", s.refreshToken);
    rest.call("POST", "/v1/auth/refresh", null, body).whenComplete((answer, error) -> {
      synchronized (lock) {
        refreshing = null;
      }
      if (error == null && answer != null) {
        running.complete(save(answer).accessToken);
        return;
      }
      TetherException refused = error == null ? new TetherException(0, "unavailable", "empty answer") : Rest.cause(error);
      if (refused.status() == 401) { // the refresh token is spent or revoked: sign in again
        synchronized (lock) {
          session = null;
        }
        forget();
      }
      running.completeExceptionally(refused);
    });
    return running;
  }

  private static JsonObject credentials(String email, String password) {
    JsonObject body = new JsonObject();
    body.addProperty("email", email);
    body.addProperty("password", password);
    return body;
  }

  private CompletableFuture<Session> signIn(String path, JsonObject body) {
    return rest.call("POST", path, null, body).thenApply(answer -> save(java.util.Objects.requireNonNull(answer)));
  }

  private Session save(JsonObject answer) {
    Session s = new Session(answer.get("userId").getAsString(), answer.get("accessToken").getAsString(),
        answer.get("refreshToken").getAsString(), System.currentTimeMillis() + answer.get("expiresIn").getAsLong() * 1000);
    JsonObject saved = new JsonObject();
    saved.addProperty("userId", s.userId);
    saved.addProperty("accessToken", s.accessToken);
    saved.addProperty("refreshToken", s.refreshToken);
    saved.addProperty("expiresAt", s.expiresAtMillis);
    try {
      // Saved before anyone uses it: the old refresh token stopped working when this one was issued.
      storage.write("session", saved.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    synchronized (lock) {
      session = s;
    }
    return s;
  }

  private void forget() {
    try {
      storage.remove("session");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
