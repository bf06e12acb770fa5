package io.tether.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The direction of the package graph (see the architecture page of the docs): edges (http, sync,
 * graphql) over features (auth, presence, push, webhooks, jobs, service) over the store and the
 * bus, all over core; the composition root (io.tether) and the bench apart.
 */
@AnalyzeClasses(packages = "io.tether", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule packagesHaveNoCycles = slices().matching("io.tether.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule coreDependsOnNothingOfOurs = classes().that().resideInAPackage("io.tether.core..")
      .should().onlyDependOnClassesThat().resideInAnyPackage("io.tether.core..", "java..", "io.vertx..", "io.netty..",
          "org.slf4j..", "com.fasterxml..");

  @ArchTest
  static final ArchRule storesKnowOnlyCoreAndConfig = noClasses().that().resideInAPackage("io.tether.store..")
      .should().dependOnClassesThat().resideOutsideOfPackages("io.tether.store..", "io.tether.core..",
          "io.tether.rules..", "io.tether.config..", "java..", "javax..", "io.vertx..", "io.netty..", "org.slf4j..", "io.zonky..");

  /** Rules are values like core's, with CEL below them. */
  @ArchTest
  static final ArchRule rulesKnowOnlyCoreAndCel = classes().that().resideInAPackage("io.tether.rules..")
      .should().onlyDependOnClassesThat().resideInAnyPackage("io.tether.rules..", "io.tether.core..", "java..",
          "io.vertx.core.json..", "io.vertx.core.buffer..", "dev.cel..", "com.google..");

  @ArchTest
  static final ArchRule busKnowsOnlyCoreAndConfig = noClasses().that().resideInAPackage("io.tether.bus..")
      .should().dependOnClassesThat().resideInAnyPackage("io.tether.store..", "io.tether.sync..",
          "io.tether.presence..", "io.tether.http..", "io.tether.graphql..", "io.tether.service..", "io.tether.auth..");

  @ArchTest
  static final ArchRule nothingBelowTheEdgesKnowsThem = noClasses()
      .that().resideOutsideOfPackages("io.tether.http..", "io.tether.sync..", "io.tether.graphql..", "io.tether")
      .should().dependOnClassesThat().resideInAnyPackage("io.tether.http..", "io.tether.sync..", "io.tether.graphql..");

  @ArchTest
  static final ArchRule graphqlAndRestAreSiblings = noClasses().that().resideInAPackage("io.tether.graphql..")
      .should().dependOnClassesThat().resideInAPackage("io.tether.http..");

  /** Only the REST verticle and router take the node; routes, sockets and resolvers get their dependencies one by one. */
  @ArchTest
  static final ArchRule onlyTheEdgesKnowTheRoot = noClasses()
      .that().resideOutsideOfPackages("io.tether", "io.tether.http..")
      .should().dependOnClassesThat().resideInAPackage("io.tether");

  @ArchTest
  static final ArchRule onlyTheRouterAndVerticleTakeTheNode = noClasses()
      .that().resideInAPackage("io.tether.http..").and().doNotHaveSimpleName("ApiRouter").and()
      .doNotHaveSimpleName("ApiVerticle")
      .should().dependOnClassesThat().resideInAPackage("io.tether");

  /** One owner of the Redis connections, below everything that uses them. */
  @ArchTest
  static final ArchRule redisKnowsOnlyConfig = classes().that().resideInAPackage("io.tether.redis..")
      .should().onlyDependOnClassesThat().resideInAnyPackage("io.tether.redis..", "io.tether.config..", "java..",
          "io.vertx..");

  /** Redis clients are created by the shard alone, so pool sizes and limits are set in one place. */
  @ArchTest
  static final ArchRule onlyTheShardCreatesRedisClients = noClasses().that().resideOutsideOfPackage("io.tether.redis..")
      .should().callMethod(io.vertx.redis.client.Redis.class, "createClient", io.vertx.core.Vertx.class,
          io.vertx.redis.client.RedisOptions.class);

  @ArchTest
  static final ArchRule featuresDoNotReachIntoEachOther = noClasses().that().resideInAnyPackage("io.tether.push..",
          "io.tether.webhooks..", "io.tether.presence..", "io.tether.jobs..")
      .should().dependOnClassesThat().resideInAnyPackage("io.tether.service..", "io.tether.auth..");

  @ArchTest
  static final ArchRule benchIsAClient = noClasses().that().resideInAPackage("io.tether.bench..")
      .should().dependOnClassesThat().resideInAnyPackage("io.tether.store..", "io.tether.sync..", "io.tether.http..",
          "io.tether.service..", "io.tether.graphql..");
}
