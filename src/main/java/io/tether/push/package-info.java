/**
 * Push notifications to devices that are offline: the device registry, the providers (FCM, APNs,
 * webhook) and the jobs that fan a change out to them.
 */
package io.tether.push;
