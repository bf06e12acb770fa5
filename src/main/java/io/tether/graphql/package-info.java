/**
 * {@code /graphql}: queries and mutations over HTTP, subscriptions over graphql-transport-ws, on the same
 * services as REST and the same change streams as the native socket.
 */
package io.tether.graphql;
