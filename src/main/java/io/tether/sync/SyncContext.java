package io.tether.sync;

import io.tether.auth.TokenService;
import io.tether.config.TetherConfig;
import io.tether.core.JsonLimits;
import io.tether.limits.ConnectionCounter;
import io.tether.limits.RequestLimits;
import io.tether.ops.Drain;
import io.tether.ops.Metrics;
import io.tether.presence.PresenceHub;
import io.tether.service.MutationService;
import io.tether.service.ReadService;
import io.tether.store.ChangeLog;
import io.vertx.core.Vertx;

/** What the sessions of one event loop share: the node's services, and this loop's change feeds and presence. */
public record SyncContext(Vertx vertx, TokenService tokens, ReadService reads, ChangeLog changeLog, FeedHub hub,
                          MutationService mutations, JsonLimits json, RequestLimits limits, ConnectionCounter connections,
                          Metrics metrics, Drain drain, TetherConfig.Sync config,
                          PresenceHub presence) {}
