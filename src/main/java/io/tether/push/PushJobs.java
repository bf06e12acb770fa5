package io.tether.push;

import io.tether.core.Role;
import io.tether.core.Viewer;
import io.tether.store.RulesStore;
import io.tether.store.WriteHook;
import io.tether.jobs.JobFailure;
import io.tether.jobs.JobHandler;
import io.tether.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The two push jobs. {@code push} runs once per space and collapse window (or per explicit notify):
 * it finds the members' devices, keeps those of members with no live socket anywhere (an explicit
 * notify reaches every member but the sender), and queues one {@code push-send} per device, so each
 * device is retried on its own. {@code push-send} hands one message to its provider; a token the
 * provider calls unregistered is forgotten.
 */
public final class PushJobs {
  public static final String FANOUT = "push";
  public static final String SEND = "push-send";
  /**
   * In the write's transaction, when some other member has a device: the space's pending push job,
   * created to run after the collapse window ($6 seconds), or updated to name the newest change.
   */
  private static final JobQueue.Enqueue ENQUEUE = JobQueue.enqueueFrom(FANOUT, """
      SELECT jsonb_build_object('space', $1::text, 'seq', $2::bigint, 'collection', $3::text, 'id', $4::text, 'actor', $5::text),
             NULL::text, now() + make_interval(secs => $6::double precision), 'push:' || $1::text
      WHERE EXISTS (SELECT 1 FROM members m JOIN devices d ON d.user_id = m.user_id WHERE m.space_id = $1 AND m.user_id <> $5)""");
  /**
   * Queues (or pushes back, collapsing) the space's push job in the write's transaction; null when
   * {@code collapseSeconds} is below 0, which turns pushes off.
   */
  public static WriteHook writeHook(int collapseSeconds) {
    if (collapseSeconds < 0) {
      return null;
    }
    return (tx, cmd, seq, fanout) -> !fanout.devices() ? Future.succeededFuture() : ENQUEUE.in(tx,
        Tuple.from(new Object[] {cmd.space(), seq, cmd.collection(), cmd.id(), cmd.actor(), (double) collapseSeconds}));
  }

  /**
   * An explicit notification, collapsed like change pushes: while one from the same sender to the
   * same space waits out its window, the next replaces it, so a flood of /notify calls sends one.
   */
  private static final JobQueue.Enqueue NOTIFY = JobQueue.enqueueFrom(FANOUT, """
      SELECT $1::jsonb, NULL::text, now() + make_interval(secs => $2::double precision), $3::text""");

  private static final String DEVICES = """
      SELECT m.user_id, d.device_id, d.platform, d.token, s.push_includes_data, m.role, s.rules_seq
      FROM members m JOIN devices d ON d.user_id = m.user_id JOIN spaces s ON s.id = m.space_id
      WHERE m.space_id = $1 AND m.user_id <> $2""";

  private static final int MAX_DATA_BYTES = 2048;

  private final Pool pool;
  private final JobQueue jobs;
  private final OnlineUsers online;
  private final DeviceStore devices;
  private final Map<String, PushProvider> providers;

  private final int collapseSeconds;
  private final RulesStore rules;

  public PushJobs(Pool pool, JobQueue jobs, OnlineUsers online, DeviceStore devices, Map<String, PushProvider> providers,
                  int collapseSeconds, RulesStore rules) {
    this.pool = pool;
    this.rules = rules;
    this.collapseSeconds = Math.max(0, collapseSeconds);
    this.jobs = jobs;
    this.online = online;
    this.devices = devices;
    this.providers = providers;
  }

  /** An explicit notification from a writer of the space, sent to every other member's devices. */
  public Future<Void> notifyMembers(String space, String sender, String title, String body, JsonObject extra) {
    JsonObject payload = new JsonObject().put("space", space).put("actor", sender).put("explicit", true)
        .put("title", title).put("body", body).put("extra", extra);
    return NOTIFY.in(pool, Tuple.of(payload, (double) collapseSeconds, "notify:" + space + ":" + sender));
  }

  public JobHandler fanout() {
    return job -> {
      JsonObject change = job.payload();
      boolean explicit = change.getBoolean("explicit", false);
      return pool.preparedQuery(DEVICES).execute(Tuple.of(change.getString("space"), change.getString("actor")))
          .compose(rows -> {
            List<Row> found = new ArrayList<>();
            rows.forEach(found::add);
            return readers(change, explicit, found);
          })
          .compose(all -> {
            Set<String> users = all.stream().map(r -> r.getString(0)).collect(Collectors.toSet());
            Future<Set<String>> awake = explicit ? Future.succeededFuture(Set.of()) : online.online(users);
            return awake.compose(connected -> data(change, explicit, all).compose(data -> {
              JsonArray sends = new JsonArray();
              for (Row device : all) {
                if (!connected.contains(device.getString(0))) {
                  sends.add(message(change, device, data));
                }
              }
              return jobs.enqueueAll(SEND, sends);
            }));
          });
    };
  }

  /**
   * The devices whose users may read the changed document: under a read rule a push names no
   * document its recipient could not see (an explicit notification names none).
   */
  private Future<List<Row>> readers(JsonObject change, boolean explicit, List<Row> devices) {
    long rulesSeq = devices.isEmpty() ? 0 : devices.get(0).getLong(6);
    if (explicit || rulesSeq == 0) {
      return Future.succeededFuture(devices);
    }
    String collection = change.getString("collection");
    String id = change.getString("id");
    return rules.version(change.getString("space"), rulesSeq).compose(r -> !r.hasReadRules()
        ? Future.succeededFuture(devices)
        : document(change).map(data -> {
          List<Row> readers = new ArrayList<>();
          for (Row device : devices) {
            if (r.canRead(new Viewer(device.getString(0), Role.parse(device.getString(5))), collection, id, data)) {
              readers.add(device);
            }
          }
          return readers;
        }));
  }

  private Future<JsonObject> document(JsonObject change) {
    return pool.preparedQuery("SELECT data FROM documents WHERE space_id = $1 AND collection = $2 AND id = $3 AND NOT deleted")
        .execute(Tuple.of(change.getString("space"), change.getString("collection"), change.getString("id")))
        .map(rows -> rows.size() == 0 ? null : (JsonObject) rows.iterator().next().getValue(0));
  }

  /** The document's data, only for a change in a space that opted in. */
  private Future<JsonObject> data(JsonObject change, boolean explicit, List<Row> devices) {
    if (explicit || devices.isEmpty() || !devices.get(0).getBoolean(4)) {
      return Future.succeededFuture(null);
    }
    return pool.preparedQuery("SELECT data FROM documents WHERE space_id = $1 AND collection = $2 AND id = $3")
        .execute(Tuple.of(change.getString("space"), change.getString("collection"), change.getString("id")))
        .map(rows -> rows.size() == 0 ? null : (JsonObject) rows.iterator().next().getValue(0));
  }

  private static JsonObject message(JsonObject change, Row device, JsonObject data) {
    JsonObject message = change.copy().put("userId", device.getString(0)).put("deviceId", device.getString(1))
        .put("platform", device.getString(2)).put("token", device.getString(3));
    // FCM and APNs refuse payloads over 4 KiB: a larger document is left for the app to fetch.
    if (data != null && data.encode().length() <= MAX_DATA_BYTES) {
      message.put("data", data);
    }
    return message;
  }

  public JobHandler send() {
    return (JobQueue.Job job) -> {
      JsonObject payload = job.payload();
      PushProvider provider = providers.get(payload.getString("platform"));
      if (provider == null) {
        return Future.failedFuture(JobFailure.permanent("no " + payload.getString("platform") + " credentials configured"));
      }
      return provider.send(PushMessage.of(payload)).recover(err -> err instanceof PushProvider.Unregistered
          ? devices.forgetToken(payload.getString("userId"), payload.getString("deviceId"), payload.getString("token"))
          : Future.failedFuture(err));
    };
  }

}
