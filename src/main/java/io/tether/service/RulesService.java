package io.tether.service;

import io.tether.auth.SpaceAccess;
import io.tether.bus.ChangeBus;
import io.tether.core.SpaceInfo;
import io.tether.core.TetherException;
import io.tether.store.ChangeLog;
import io.tether.store.RulesStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A space's read and write rules, set and shown by its owners. Setting them is checked (every rule
 * compiled) before anything is stored, committed as a change of the space, then published, so every
 * live subscription on every node applies the new rules at that seq.
 */
public final class RulesService {
  private static final Logger LOG = LoggerFactory.getLogger(RulesService.class);

  private final SpaceAccess access;
  private final RulesStore rules;
  private final ChangeLog changeLog;
  private final ChangeBus bus;

  public RulesService(SpaceAccess access, RulesStore rules, ChangeLog changeLog, ChangeBus bus) {
    this.access = access;
    this.rules = rules;
    this.changeLog = changeLog;
    this.bus = bus;
  }

  /** {@code {space, seq, rules}}: the rules now, and the seq they were set at (0: never). */
  public Future<JsonObject> get(String space, String userId) {
    return access.toManage(space, userId).compose(owner -> changeLog.head(space))
        .compose(head -> {
          long seq = head.map(SpaceInfo::rulesSeq).orElse(0L);
          return rules.setAt(space, seq).map(spec -> answer(space, seq, spec));
        });
  }

  /** Sets the rules ({@code {}} removes them); a 400 names the first rule that does not compile. */
  public Future<JsonObject> set(String space, String userId, JsonObject spec) {
    return access.toManage(space, userId).compose(owner -> {
      try {
        rules.cache().compile(spec);
      } catch (TetherException invalid) {
        return Future.failedFuture(invalid);
      }
      return rules.set(space, spec, userId);
    }).map(change -> {
      bus.publish(change).onFailure(err -> LOG.warn("Publish of the rules change {}#{} failed (subscribers will catch up from the log): {}",
          space, change.seq(), err.toString()));
      return answer(space, change.seq(), spec);
    });
  }

  private static JsonObject answer(String space, long seq, JsonObject spec) {
    return new JsonObject().put("space", space).put("seq", seq).put("rules", spec);
  }
}
