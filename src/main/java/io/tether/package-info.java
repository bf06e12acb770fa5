/**
 * The composition root: {@code Main} reads the configuration and builds the node ({@code Node}),
 * deploys its verticles and stops it in order ({@code RunningNode}). The only package that knows them all.
 */
package io.tether;
