-- Schema of the sample app. Safe to import any number of times:
--   mysql --host 127.0.0.1 --port 13306 --user root < docker/database.sql
-- The app reads MYSQL_DATABASE (default sample_app); change both together.

CREATE DATABASE IF NOT EXISTS `sample_app`
  CHARACTER SET utf8mb4
  COLLATE utf8mb4_unicode_ci;

USE `sample_app`;

-- Short links. `code` is case-sensitive (ascii_bin): "abc" and "ABC" are different links.
-- `hits` holds the counts flushed from Redis; the not-yet-flushed remainder lives in Redis.
CREATE TABLE IF NOT EXISTS `links` (
  `id`         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `code`       VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `url`        VARCHAR(2048) NOT NULL,
  `hits`       BIGINT UNSIGNED NOT NULL DEFAULT 0,
  `created_at` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `links_code_unique` (`code`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
