-- A third kind of device: a URL that receives its pushes as JSON POSTs (UnifiedPush, a custom gateway).
ALTER TABLE devices DROP CONSTRAINT devices_platform_check;
ALTER TABLE devices ADD CONSTRAINT devices_platform_check CHECK (platform IN ('fcm', 'apns', 'webhook'));
