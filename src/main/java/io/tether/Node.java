package io.tether;

import io.tether.auth.AccountEmails;
import io.tether.auth.AccountService;
import io.tether.auth.ProviderSignIn;
import io.tether.auth.SpaceAccess;
import io.tether.auth.TokenService;
import io.tether.bus.ChangeBus;
import io.tether.config.TetherConfig;
import io.tether.core.JsonLimits;
import io.tether.jobs.JobQueue;
import io.tether.limits.ConnectionCounter;
import io.tether.limits.RequestLimits;
import io.tether.ops.Drain;
import io.tether.ops.InstanceStats;
import io.tether.ops.Metrics;
import io.tether.presence.PresenceService;
import io.tether.push.DeviceStore;
import io.tether.push.PushJobs;
import io.tether.service.DocumentService;
import io.tether.service.MutationService;
import io.tether.service.AccountDeletion;
import io.tether.service.AccountExport;
import io.tether.service.InviteService;
import io.tether.service.ProfileService;
import io.tether.service.ReadService;
import io.tether.service.RulesService;
import io.tether.service.SpaceService;
import io.tether.service.WebhookService;
import io.tether.store.ChangeLog;
import io.tether.store.DocumentStore;
import io.tether.store.RulesStore;
import io.tether.store.SpaceStore;
import io.tether.store.UserStore;
import io.tether.webhooks.OutboundTargets;
import io.tether.webhooks.WebhookStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * Everything one node shares between its API verticle instances, grouped by feature. All of it is
 * safe to call from any event loop. Only the composition root and the edges' verticle and router
 * see it; each route, socket and resolver is handed the parts it uses.
 */
public record Node(Vertx vertx, TetherConfig config, Stores stores, ChangeBus bus, Auth auth, Documents documents,
                   Spaces spaces, Guards guards, PresenceService presence, Push push, Jobs jobs, Ops ops) {

  /** PostgreSQL, and the stores the routes read directly. */
  public record Stores(Pool pool, UserStore users, SpaceStore spaces, DocumentStore documents, ChangeLog changeLog,
                       RulesStore rules) {}

  /** Who the caller is (tokens, accounts) and what they may do in a space. */
  public record Auth(TokenService tokens, AccountService accounts, SpaceAccess access, AccountEmails emails,
                     ProviderSignIn providers, io.tether.auth.ServiceKeys services) {}

  /** Reading and writing documents: single writes, listings and change pages, offline mutation batches. */
  public record Documents(DocumentService writes, ReadService reads, MutationService mutations) {}

  /** A space's membership and settings, and its webhooks: what owners manage. */
  public record Spaces(SpaceService spaces, WebhookService webhooks, RulesService rules, ProfileService profiles,
                       InviteService invites, AccountDeletion deletion, AccountExport export) {}

  /**
   * What every request and socket passes first: JSON limits, rate limits, connections per user; and
   * what every URL the node will call (webhooks, webhook devices) must pass.
   */
  public record Guards(JsonLimits json, RequestLimits limits, ConnectionCounter connections, OutboundTargets outbound) {}

  /** Devices and the push notifications sent to them. */
  public record Push(DeviceStore devices, PushJobs jobs) {}

  /** The background job queue and the webhooks it delivers. */
  public record Jobs(JobQueue queue, WebhookStore webhooks) {}

  /** Metrics, draining, and the per-instance figures of the admin page. */
  public record Ops(Metrics metrics, Drain drain, InstanceStats stats) {}
}
