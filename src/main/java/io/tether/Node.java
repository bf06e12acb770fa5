package io.tether;

import io.tether.auth.AccountService;
import io.tether.auth.SpaceAccess;
import io.tether.auth.TokenService;
import io.tether.bus.ChangeBus;
import io.tether.config.TetherConfig;
import io.tether.core.JsonLimits;
import io.tether.limits.ConnectionCounter;
import io.tether.limits.RequestLimits;
import io.tether.ops.Drain;
import io.tether.ops.InstanceStats;
import io.tether.ops.Metrics;
import io.tether.service.DocumentService;
import io.tether.service.MutationService;
import io.tether.service.ReadService;
import io.tether.jobs.JobQueue;
import io.tether.presence.PresenceService;
import io.tether.push.DeviceStore;
import io.tether.push.PushJobs;
import io.tether.webhooks.WebhookStore;
import io.tether.store.ChangeLog;
import io.tether.store.DocumentStore;
import io.tether.store.SpaceStore;
import io.tether.store.UserStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * Everything one node shares between its API verticle instances: the pool, the stores, the bus and
 * the services on top. All of it is safe to call from any event loop.
 */
public record Node(Vertx vertx, TetherConfig config, Pool pool, ChangeBus bus, UserStore users, SpaceStore spaces,
                   DocumentStore documents, ChangeLog changeLog, TokenService tokens, AccountService accounts,
                   SpaceAccess access, DocumentService documentService, ReadService reads, MutationService mutations, JsonLimits json,
                   RequestLimits limits, ConnectionCounter connections, Metrics metrics, Drain drain,
                   InstanceStats stats, WebhookStore webhooks, JobQueue jobs, DeviceStore devices,
                   PushJobs push, PresenceService presence) {}
