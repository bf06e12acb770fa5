package io.tether.limits;

import io.tether.config.TetherConfig;
import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import io.tether.ops.Metrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** The rate limits Tether applies, by what they protect: each fails with a 429 carrying {@code retryAfter}. */
public final class RequestLimits {
  private final RateLimiter limiter;
  private final Metrics metrics;
  private final RateLimiter.Bucket perUser;
  private final RateLimiter.Bucket perIp;
  private final RateLimiter.Bucket signInsPerAccount;
  private final RateLimiter.Bucket signInsPerAccountEverywhere;
  private final RateLimiter.Bucket signInsPerIp;
  private final RateLimiter.Bucket emailsPerAddress;
  private final RateLimiter.Bucket emailsPerAddressEverywhere;
  private final RateLimiter.Bucket exports;
  private final RateLimiter.Bucket invitesPerSender;
  private final RateLimiter.Bucket invitesPerSpace;

  public RequestLimits(RateLimiter limiter, TetherConfig.Limits config, Metrics metrics) {
    this.limiter = limiter;
    this.metrics = metrics;
    this.perUser = new RateLimiter.Bucket(config.userRequestsPerSecond(), config.userBurst());
    this.perIp = new RateLimiter.Bucket(config.ipRequestsPerSecond(), config.ipBurst());
    int logins = config.loginAttemptsPerMinute();
    this.signInsPerAccount = new RateLimiter.Bucket(logins / 60.0, logins);
    this.signInsPerAccountEverywhere = new RateLimiter.Bucket(10 * logins / 60.0, 10 * logins);
    this.signInsPerIp = new RateLimiter.Bucket(3 * logins / 60.0, 3 * logins);
    int emails = config.emailsPerAddressPerHour();
    this.emailsPerAddress = new RateLimiter.Bucket(emails / 3600.0, emails);
    this.emailsPerAddressEverywhere = new RateLimiter.Bucket(4 * emails / 3600.0, 4 * emails);
    int invites = config.inviteEmailsPerSenderPerHour();
    this.invitesPerSender = new RateLimiter.Bucket(invites / 3600.0, invites);
    this.invitesPerSpace = new RateLimiter.Bucket(3 * invites / 3600.0, 3 * invites);
    this.exports = new RateLimiter.Bucket(config.exportsPerHour() / 3600.0, config.exportsPerHour());
  }

  /** Every API request and socket upgrade, by client address. */
  public Future<Void> request(String ip) {
    return take("ip:" + network(ip), perIp);
  }

  /**
   * The address a limit counts: an IPv4 address as it is, an IPv6 address by its /64, the block one
   * subscriber (a phone, a home, a VM) is handed and can rotate through freely.
   */
  static String network(String ip) {
    byte[] bytes = io.tether.core.Cidr.literal(ip);
    if (bytes == null || bytes.length == 4) {
      return ip;
    }
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < 8; i += 2) {
      prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
    }
    return prefix.append(":/64").toString();
  }

  /** Every authenticated request and every frame, by user, on whatever node they arrive. */
  public Future<Void> user(String userId) {
    return user(userId, 1);
  }

  /**
   * Work worth {@code cost} requests (a GraphQL field, a batch of mutations): admitted while the
   * user's bucket holds a token, and paid in full, so what comes after it waits (see {@link RateLimiter}).
   */
  public Future<Void> user(String userId, int cost) {
    return take("user:" + userId, perUser, Math.max(1, cost));
  }

  /**
   * A service key's request: its own bucket, {@code requestsPerSecond} of the key when the operator
   * set one (a burst of four seconds' worth), else the per-user limits.
   */
  public Future<Void> service(io.tether.core.ServiceGrant grant) {
    Integer rate = grant.requestsPerSecond();
    return rate == null ? user(grant.actor())
        : take("user:" + grant.actor(), new RateLimiter.Bucket(rate, Math.max(1, 4 * rate)));
  }

  /** Sign-in attempts (and registrations), by account and by address, against password guessing. */
  public Future<Void> signIn(String email, String ip) {
    String from = network(ip);
    Future<Void> byIp = take("signin-ip:" + from, signInsPerIp);
    if (email == null) {
      return byIp;
    }
    // An account's attempts count per address (limits.loginAttemptsPerMinute): someone guessing from
    // elsewhere slows down, the owner signing in from their own address does not. Across all
    // addresses ten times as many, against guessing spread over many machines.
    String account = email.trim().toLowerCase(Locale.ROOT);
    return byIp.compose(ok -> take("signin:" + account + " " + from, signInsPerAccount))
        .compose(ok -> take("signin-account:" + account, signInsPerAccountEverywhere));
  }

  /**
   * An email Tether would send to {@code address} (a reset, a verification, an invite), whoever asks
   * for it: counted whether or not an account has the address, so a refusal tells nothing either.
   */
  public Future<Void> email(String address, String requester) {
    // Per requester (limits.emailsPerAddressPerHour), so one who asks again and again for someone
    // else's address cannot use up the owner's own requests; per address four times as many, the
    // bound on what everyone together can make Tether send one stranger.
    String to = address.trim().toLowerCase(Locale.ROOT);
    return take("email:" + to + " " + requester, emailsPerAddress)
        .compose(ok -> take("email-all:" + to, emailsPerAddressEverywhere));
  }

  /** The requester of an email, as {@link #email} counts it: a signed-in user, or else the client's network. */
  public static String requester(String userId, String ip) {
    return userId != null ? "user:" + userId : "net:" + network(ip);
  }

  /**
   * A password presented to change it or delete the account: counted like a sign-in attempt by the
   * client's address, and by the account itself, so guesses spread over many addresses slow down too.
   */
  public Future<Void> passwordAttempt(String userId, String ip) {
    return signIn(null, ip).compose(ok -> take("password-account:" + userId, signInsPerAccount));
  }

  /**
   * An invitation email: counted against the address (as every email is), against its sender
   * ({@code limits.inviteEmailsPerSenderPerHour}) and against the space (three times that), so one
   * account cannot mail attacker-written names to any number of addresses.
   */
  public Future<Void> inviteEmail(String address, String sender, String space) {
    return take("invite-sender:" + sender, invitesPerSender)
        .compose(ok -> take("invite-space:" + space, invitesPerSpace))
        .compose(ok -> email(address, requester(sender, null)));
  }

  /** An export of the user's data: heavy (every document of their spaces), so a few an hour. */
  public Future<Void> export(String userId) {
    return take("export:" + userId, exports);
  }

  private Future<Void> take(String key, RateLimiter.Bucket bucket) {
    return take(key, bucket, 1);
  }

  private Future<Void> take(String key, RateLimiter.Bucket bucket, int cost) {
    return limiter.acquire(bounded(key), bucket, cost).compose(decision -> decision.allowed()
        ? Future.succeededFuture()
        : refuse(key, decision));
  }

  /**
   * The key as stored: the kind, then a digest of what the caller sent (an address, an email), so
   * a bucket costs the same few bytes in memory and in Redis whatever the input was.
   */
  static String bounded(String key) {
    int colon = key.indexOf(':');
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(key.substring(colon + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return key.substring(0, colon + 1) + java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString(java.util.Arrays.copyOf(digest, 16));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Future<Void> refuse(String key, RateLimiter.Decision decision) {
    metrics.rateLimited(key.substring(0, key.indexOf(':')));
    return Future.failedFuture(new TetherException(ErrorCode.RATE_LIMITED, "too many requests; retry later",
            new JsonObject().put("retryAfter", decision.retryAfterSeconds())));
  }
}
