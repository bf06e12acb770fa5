/**
 * Who is calling: built-in accounts (password hashing, access and refresh tokens), external issuers
 * (JWKS), the one bearer-header parser, token leases for sockets, and roles in spaces ({@code SpaceAccess}).
 */
package io.tether.auth;
