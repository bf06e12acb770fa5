/**
 * The composition root: {@code Main} is the command line, {@code NodeAssembly} builds a node feature
 * by feature into {@code Node} and deploys its verticles, and {@code RunningNode} stops it through
 * the closers registered as it was built. The only package that knows them all.
 */
package io.tether;
