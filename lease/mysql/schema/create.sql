-- Nestor's MySQL/MariaDB lease and host schema, version 14.0: the tables,
-- columns, types, procedures and triggers that Kea 2.2's lease and host
-- backends and its kea-admin use, with Kea's names. Written for Nestor
-- from the description of Kea's schema; Kea's configuration backend
-- tables are not part of it. Statements end with a line holding ";;".

CREATE TABLE schema_version (
    version INT PRIMARY KEY NOT NULL,
    minor INT
) ENGINE = InnoDB
;;
CREATE TABLE lease_state (
    state INT UNSIGNED PRIMARY KEY NOT NULL,
    name VARCHAR(64) NOT NULL
) ENGINE = InnoDB
;;
INSERT INTO lease_state VALUES (0, 'default'), (1, 'declined'), (2, 'expired-reclaimed')
;;
CREATE TABLE lease6_types (
    lease_type TINYINT PRIMARY KEY NOT NULL,
    name VARCHAR(5)
) ENGINE = InnoDB
;;
INSERT INTO lease6_types VALUES (0, 'IA_NA'), (1, 'IA_TA'), (2, 'IA_PD')
;;
CREATE TABLE lease_hwaddr_source (
    hwaddr_source INT UNSIGNED PRIMARY KEY NOT NULL,
    name VARCHAR(40) DEFAULT NULL
) ENGINE = InnoDB
;;
INSERT INTO lease_hwaddr_source VALUES
    (0, 'HWADDR_SOURCE_UNKNOWN'),
    (1, 'HWADDR_SOURCE_RAW'),
    (2, 'HWADDR_SOURCE_IPV6_LINK_LOCAL'),
    (4, 'HWADDR_SOURCE_DUID'),
    (8, 'HWADDR_SOURCE_CLIENT_ADDR_RELAY_OPTION'),
    (16, 'HWADDR_SOURCE_REMOTE_ID'),
    (32, 'HWADDR_SOURCE_SUBSCRIBER_ID'),
    (64, 'HWADDR_SOURCE_DOCSIS_CMTS'),
    (128, 'HWADDR_SOURCE_DOCSIS_MODEM')
;;
CREATE TABLE lease4 (
    address INT UNSIGNED PRIMARY KEY NOT NULL,
    hwaddr VARBINARY(20),
    client_id VARBINARY(128),
    valid_lifetime INT UNSIGNED,
    expire TIMESTAMP NULL DEFAULT NULL,
    subnet_id INT UNSIGNED,
    fqdn_fwd BOOL,
    fqdn_rev BOOL,
    hostname VARCHAR(255),
    state INT UNSIGNED DEFAULT 0,
    user_context TEXT,
    INDEX lease4_by_hwaddr_subnet_id (hwaddr, subnet_id),
    INDEX lease4_by_client_id_subnet_id (client_id, subnet_id),
    INDEX lease4_by_subnet_id (subnet_id),
    INDEX lease4_by_hostname (hostname),
    INDEX lease4_by_expire_state (expire, state),
    CONSTRAINT fk_lease4_state FOREIGN KEY (state) REFERENCES lease_state (state)
) ENGINE = InnoDB
;;
CREATE TABLE lease6 (
    address VARCHAR(39) PRIMARY KEY NOT NULL,
    duid VARBINARY(128),
    valid_lifetime INT UNSIGNED,
    expire TIMESTAMP NULL DEFAULT NULL,
    subnet_id INT UNSIGNED,
    pref_lifetime INT UNSIGNED,
    lease_type TINYINT,
    iaid INT UNSIGNED,
    prefix_len TINYINT UNSIGNED,
    fqdn_fwd BOOL,
    fqdn_rev BOOL,
    hostname VARCHAR(255),
    hwaddr VARBINARY(20),
    hwtype SMALLINT UNSIGNED,
    hwaddr_source INT UNSIGNED,
    state INT UNSIGNED DEFAULT 0,
    user_context TEXT,
    INDEX lease6_by_subnet_id_lease_type (subnet_id, lease_type),
    INDEX lease6_by_duid_iaid_subnet_id (duid, iaid, subnet_id),
    INDEX lease6_by_hostname (hostname),
    INDEX lease6_by_expire_state (expire, state),
    CONSTRAINT fk_lease6_type FOREIGN KEY (lease_type) REFERENCES lease6_types (lease_type),
    CONSTRAINT fk_lease6_hwaddr_source FOREIGN KEY (hwaddr_source) REFERENCES lease_hwaddr_source (hwaddr_source),
    CONSTRAINT fk_lease6_state FOREIGN KEY (state) REFERENCES lease_state (state)
) ENGINE = InnoDB
;;
CREATE TABLE lease4_stat (
    subnet_id INT UNSIGNED NOT NULL,
    state INT UNSIGNED NOT NULL,
    leases BIGINT,
    PRIMARY KEY (subnet_id, state)
) ENGINE = InnoDB
;;
CREATE TABLE lease6_stat (
    subnet_id INT UNSIGNED NOT NULL,
    lease_type INT UNSIGNED NOT NULL,
    state INT UNSIGNED NOT NULL,
    leases BIGINT,
    PRIMARY KEY (subnet_id, lease_type, state)
) ENGINE = InnoDB
;;
CREATE TABLE lease4_stat_by_client_class (
    client_class VARCHAR(128) PRIMARY KEY NOT NULL,
    leases BIGINT UNSIGNED NOT NULL
) ENGINE = InnoDB
;;
CREATE TABLE lease6_stat_by_client_class (
    client_class VARCHAR(128) NOT NULL,
    lease_type TINYINT NOT NULL,
    leases BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (client_class, lease_type),
    CONSTRAINT fk_lease6_stat_by_client_class_lease_type FOREIGN KEY (lease_type) REFERENCES lease6_types (lease_type)
) ENGINE = InnoDB
;;
CREATE TABLE logs (
    timestamp TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,
    address VARCHAR(43),
    log TEXT NOT NULL,
    id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    INDEX timestamp_index (timestamp)
) ENGINE = InnoDB
;;
CREATE TABLE host_identifier_type (
    type TINYINT PRIMARY KEY NOT NULL,
    name VARCHAR(32) DEFAULT NULL
) ENGINE = InnoDB
;;
INSERT INTO host_identifier_type VALUES (0, 'hw-address'), (1, 'duid'), (2, 'circuit-id'), (3, 'client-id'), (4, 'flex-id')
;;
CREATE TABLE dhcp_option_scope (
    scope_id TINYINT UNSIGNED PRIMARY KEY NOT NULL,
    scope_name VARCHAR(32) DEFAULT NULL
) ENGINE = InnoDB
;;
INSERT INTO dhcp_option_scope VALUES
    (0, 'global'), (1, 'subnet'), (2, 'client-class'), (3, 'host'), (4, 'shared-network'), (5, 'pool'), (6, 'pd-pool')
;;
CREATE TABLE hosts (
    host_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    dhcp_identifier VARBINARY(128) NOT NULL,
    dhcp_identifier_type TINYINT NOT NULL,
    dhcp4_subnet_id INT UNSIGNED DEFAULT NULL,
    dhcp6_subnet_id INT UNSIGNED DEFAULT NULL,
    ipv4_address INT UNSIGNED DEFAULT NULL,
    hostname VARCHAR(255) DEFAULT NULL,
    dhcp4_client_classes VARCHAR(255) DEFAULT NULL,
    dhcp6_client_classes VARCHAR(255) DEFAULT NULL,
    dhcp4_next_server INT UNSIGNED DEFAULT NULL,
    dhcp4_server_hostname VARCHAR(64) DEFAULT NULL,
    dhcp4_boot_file_name VARCHAR(128) DEFAULT NULL,
    user_context TEXT DEFAULT NULL,
    auth_key VARCHAR(32) DEFAULT NULL,
    UNIQUE KEY key_dhcp4_identifier_subnet_id (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id),
    UNIQUE KEY key_dhcp6_identifier_subnet_id (dhcp_identifier, dhcp_identifier_type, dhcp6_subnet_id),
    INDEX fk_host_identifier_type (dhcp_identifier_type),
    INDEX hosts_by_hostname (hostname),
    INDEX key_dhcp4_ipv4_address_subnet_id_identifier (ipv4_address, dhcp4_subnet_id),
    CONSTRAINT fk_host_identifier_type FOREIGN KEY (dhcp_identifier_type) REFERENCES host_identifier_type (type)
) ENGINE = InnoDB
;;
CREATE TABLE ipv6_reservations (
    reservation_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    address VARCHAR(39) NOT NULL,
    prefix_len TINYINT UNSIGNED NOT NULL DEFAULT 128,
    type TINYINT UNSIGNED NOT NULL DEFAULT 0,
    dhcp6_iaid INT UNSIGNED DEFAULT NULL,
    host_id INT UNSIGNED NOT NULL,
    INDEX fk_ipv6_reservations_host_idx (host_id),
    INDEX key_dhcp6_address_prefix_len (address, prefix_len),
    CONSTRAINT fk_ipv6_reservations_Host FOREIGN KEY (host_id) REFERENCES hosts (host_id) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE = InnoDB
;;
CREATE TABLE dhcp4_options (
    option_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code TINYINT UNSIGNED NOT NULL,
    value BLOB,
    formatted_value TEXT,
    space VARCHAR(128) DEFAULT NULL,
    persistent TINYINT(1) NOT NULL DEFAULT 0,
    dhcp_client_class VARCHAR(128) DEFAULT NULL,
    dhcp4_subnet_id INT UNSIGNED DEFAULT NULL,
    host_id INT UNSIGNED DEFAULT NULL,
    scope_id TINYINT UNSIGNED NOT NULL,
    user_context TEXT DEFAULT NULL,
    shared_network_name VARCHAR(128) DEFAULT NULL,
    pool_id BIGINT UNSIGNED DEFAULT NULL,
    modification_ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY option_id_UNIQUE (option_id),
    INDEX fk_options_host1_idx (host_id),
    INDEX fk_dhcp4_option_scope (scope_id),
    CONSTRAINT fk_dhcp4_option_scope FOREIGN KEY (scope_id) REFERENCES dhcp_option_scope (scope_id),
    CONSTRAINT fk_dhcp4_options_Host FOREIGN KEY (host_id) REFERENCES hosts (host_id) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE = InnoDB
;;
CREATE TABLE dhcp6_options (
    option_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code SMALLINT UNSIGNED NOT NULL,
    value BLOB,
    formatted_value TEXT,
    space VARCHAR(128) DEFAULT NULL,
    persistent TINYINT(1) NOT NULL DEFAULT 0,
    dhcp_client_class VARCHAR(128) DEFAULT NULL,
    dhcp6_subnet_id INT UNSIGNED DEFAULT NULL,
    host_id INT UNSIGNED DEFAULT NULL,
    scope_id TINYINT UNSIGNED NOT NULL,
    user_context TEXT DEFAULT NULL,
    shared_network_name VARCHAR(128) DEFAULT NULL,
    pool_id BIGINT UNSIGNED DEFAULT NULL,
    pd_pool_id BIGINT UNSIGNED DEFAULT NULL,
    modification_ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY option_id_UNIQUE (option_id),
    INDEX fk_options_host1_idx (host_id),
    INDEX fk_dhcp6_option_scope (scope_id),
    CONSTRAINT fk_dhcp6_option_scope FOREIGN KEY (scope_id) REFERENCES dhcp_option_scope (scope_id),
    CONSTRAINT fk_dhcp6_options_Host FOREIGN KEY (host_id) REFERENCES hosts (host_id) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE = InnoDB
;;
CREATE FUNCTION isJsonSupported() RETURNS BOOL DETERMINISTIC
BEGIN
    DECLARE probe INT;
    DECLARE CONTINUE HANDLER FOR SQLEXCEPTION RETURN FALSE;
    SELECT JSON_EXTRACT('{"a": 1}', '$.a') INTO probe;
    RETURN TRUE;
END
;;
-- Lower-case hex octets joined by colons, as memfile writes them.
CREATE FUNCTION colonSeparatedHex(hex VARCHAR(64)) RETURNS VARCHAR(64) DETERMINISTIC
BEGIN
    DECLARE h VARCHAR(64) DEFAULT LOWER(hex);
    DECLARE result VARCHAR(64) DEFAULT '';
    DECLARE pos INT DEFAULT 1;
    IF h IS NULL OR h = '' THEN
        RETURN h;
    END IF;
    IF MOD(LENGTH(h), 2) = 1 THEN
        SET h = CONCAT('0', h);
    END IF;
    WHILE pos <= LENGTH(h) DO
        IF pos > 1 THEN
            SET result = CONCAT(result, ':');
        END IF;
        SET result = CONCAT(result, SUBSTR(h, pos, 2));
        SET pos = pos + 2;
    END WHILE;
    RETURN result;
END
;;
CREATE PROCEDURE lease4_AINS_lease4_stat(IN new_state TINYINT, IN new_subnet_id INT UNSIGNED)
BEGIN
    IF new_state IN (0, 1) THEN
        INSERT INTO lease4_stat VALUES (new_subnet_id, new_state, 1)
            ON DUPLICATE KEY UPDATE leases = leases + 1;
    END IF;
END
;;
CREATE PROCEDURE lease4_ADEL_lease4_stat(IN old_state TINYINT, IN old_subnet_id INT UNSIGNED)
BEGIN
    IF old_state IN (0, 1) THEN
        UPDATE lease4_stat SET leases = IF(leases > 0, leases - 1, 0)
            WHERE subnet_id = old_subnet_id AND state = old_state;
    END IF;
END
;;
CREATE PROCEDURE lease4_AUPD_lease4_stat(IN old_state TINYINT, IN old_subnet_id INT UNSIGNED,
                                         IN new_state TINYINT, IN new_subnet_id INT UNSIGNED)
BEGIN
    IF NOT (old_subnet_id <=> new_subnet_id) OR NOT (old_state <=> new_state) THEN
        CALL lease4_ADEL_lease4_stat(old_state, old_subnet_id);
        CALL lease4_AINS_lease4_stat(new_state, new_subnet_id);
    END IF;
END
;;
CREATE PROCEDURE lease6_AINS_lease6_stat(IN new_state TINYINT, IN new_subnet_id INT UNSIGNED, IN new_lease_type TINYINT)
BEGIN
    IF new_state IN (0, 1) THEN
        INSERT INTO lease6_stat VALUES (new_subnet_id, new_lease_type, new_state, 1)
            ON DUPLICATE KEY UPDATE leases = leases + 1;
    END IF;
END
;;
CREATE PROCEDURE lease6_ADEL_lease6_stat(IN old_state TINYINT, IN old_subnet_id INT UNSIGNED, IN old_lease_type TINYINT)
BEGIN
    IF old_state IN (0, 1) THEN
        UPDATE lease6_stat SET leases = IF(leases > 0, leases - 1, 0)
            WHERE subnet_id = old_subnet_id AND lease_type = old_lease_type AND state = old_state;
    END IF;
END
;;
CREATE PROCEDURE lease6_AUPD_lease6_stat(IN old_state TINYINT, IN old_subnet_id INT UNSIGNED, IN old_lease_type TINYINT,
                                         IN new_state TINYINT, IN new_subnet_id INT UNSIGNED, IN new_lease_type TINYINT)
BEGIN
    IF NOT (old_subnet_id <=> new_subnet_id) OR NOT (old_lease_type <=> new_lease_type) OR NOT (old_state <=> new_state) THEN
        CALL lease6_ADEL_lease6_stat(old_state, old_subnet_id, old_lease_type);
        CALL lease6_AINS_lease6_stat(new_state, new_subnet_id, new_lease_type);
    END IF;
END
;;
-- Assigned leases per client class listed under ISC / client-classes.
CREATE PROCEDURE lease4_AINS_lease4_stat_by_client_class(IN new_state TINYINT, IN new_user_context TEXT)
BEGIN
    DECLARE classes TEXT;
    DECLARE i INT DEFAULT 0;
    IF new_state = 0 AND new_user_context IS NOT NULL AND new_user_context <> '' THEN
        SET classes = JSON_EXTRACT(new_user_context, '$."ISC"."client-classes"');
        WHILE classes IS NOT NULL AND i < JSON_LENGTH(classes) DO
            INSERT INTO lease4_stat_by_client_class VALUES (JSON_UNQUOTE(JSON_EXTRACT(classes, CONCAT('$[', i, ']'))), 1)
                ON DUPLICATE KEY UPDATE leases = leases + 1;
            SET i = i + 1;
        END WHILE;
    END IF;
END
;;
CREATE PROCEDURE lease4_ADEL_lease4_stat_by_client_class(IN old_state TINYINT, IN old_user_context TEXT)
BEGIN
    DECLARE classes TEXT;
    DECLARE i INT DEFAULT 0;
    IF old_state = 0 AND old_user_context IS NOT NULL AND old_user_context <> '' THEN
        SET classes = JSON_EXTRACT(old_user_context, '$."ISC"."client-classes"');
        WHILE classes IS NOT NULL AND i < JSON_LENGTH(classes) DO
            UPDATE lease4_stat_by_client_class SET leases = IF(leases > 0, leases - 1, 0)
                WHERE client_class = JSON_UNQUOTE(JSON_EXTRACT(classes, CONCAT('$[', i, ']')));
            SET i = i + 1;
        END WHILE;
    END IF;
END
;;
CREATE PROCEDURE lease4_AUPD_lease4_stat_by_client_class(IN old_state TINYINT, IN old_user_context TEXT,
                                                         IN new_state TINYINT, IN new_user_context TEXT)
BEGIN
    IF NOT (old_state <=> new_state) OR NOT (old_user_context <=> new_user_context) THEN
        CALL lease4_ADEL_lease4_stat_by_client_class(old_state, old_user_context);
        CALL lease4_AINS_lease4_stat_by_client_class(new_state, new_user_context);
    END IF;
END
;;
CREATE PROCEDURE lease6_AINS_lease6_stat_by_client_class(IN new_state TINYINT, IN new_user_context TEXT, IN new_lease_type TINYINT)
BEGIN
    DECLARE classes TEXT;
    DECLARE i INT DEFAULT 0;
    IF new_state = 0 AND new_user_context IS NOT NULL AND new_user_context <> '' THEN
        SET classes = JSON_EXTRACT(new_user_context, '$."ISC"."client-classes"');
        WHILE classes IS NOT NULL AND i < JSON_LENGTH(classes) DO
            INSERT INTO lease6_stat_by_client_class VALUES (JSON_UNQUOTE(JSON_EXTRACT(classes, CONCAT('$[', i, ']'))), new_lease_type, 1)
                ON DUPLICATE KEY UPDATE leases = leases + 1;
            SET i = i + 1;
        END WHILE;
    END IF;
END
;;
CREATE PROCEDURE lease6_ADEL_lease6_stat_by_client_class(IN old_state TINYINT, IN old_user_context TEXT, IN old_lease_type TINYINT)
BEGIN
    DECLARE classes TEXT;
    DECLARE i INT DEFAULT 0;
    IF old_state = 0 AND old_user_context IS NOT NULL AND old_user_context <> '' THEN
        SET classes = JSON_EXTRACT(old_user_context, '$."ISC"."client-classes"');
        WHILE classes IS NOT NULL AND i < JSON_LENGTH(classes) DO
            UPDATE lease6_stat_by_client_class SET leases = IF(leases > 0, leases - 1, 0)
                WHERE client_class = JSON_UNQUOTE(JSON_EXTRACT(classes, CONCAT('$[', i, ']'))) AND lease_type = old_lease_type;
            SET i = i + 1;
        END WHILE;
    END IF;
END
;;
CREATE PROCEDURE lease6_AUPD_lease6_stat_by_client_class(IN old_state TINYINT, IN old_user_context TEXT, IN old_lease_type TINYINT,
                                                         IN new_state TINYINT, IN new_user_context TEXT, IN new_lease_type TINYINT)
BEGIN
    IF NOT (old_state <=> new_state) OR NOT (old_lease_type <=> new_lease_type) OR NOT (old_user_context <=> new_user_context) THEN
        CALL lease6_ADEL_lease6_stat_by_client_class(old_state, old_user_context, old_lease_type);
        CALL lease6_AINS_lease6_stat_by_client_class(new_state, new_user_context, new_lease_type);
    END IF;
END
;;
CREATE TRIGGER lease4_AINS AFTER INSERT ON lease4 FOR EACH ROW
BEGIN
    CALL lease4_AINS_lease4_stat(NEW.state, NEW.subnet_id);
    CALL lease4_AINS_lease4_stat_by_client_class(NEW.state, NEW.user_context);
END
;;
CREATE TRIGGER lease4_AUPD AFTER UPDATE ON lease4 FOR EACH ROW
BEGIN
    CALL lease4_AUPD_lease4_stat(OLD.state, OLD.subnet_id, NEW.state, NEW.subnet_id);
    CALL lease4_AUPD_lease4_stat_by_client_class(OLD.state, OLD.user_context, NEW.state, NEW.user_context);
END
;;
CREATE TRIGGER lease4_ADEL AFTER DELETE ON lease4 FOR EACH ROW
BEGIN
    CALL lease4_ADEL_lease4_stat(OLD.state, OLD.subnet_id);
    CALL lease4_ADEL_lease4_stat_by_client_class(OLD.state, OLD.user_context);
END
;;
CREATE TRIGGER lease6_AINS AFTER INSERT ON lease6 FOR EACH ROW
BEGIN
    CALL lease6_AINS_lease6_stat(NEW.state, NEW.subnet_id, NEW.lease_type);
    CALL lease6_AINS_lease6_stat_by_client_class(NEW.state, NEW.user_context, NEW.lease_type);
END
;;
CREATE TRIGGER lease6_AUPD AFTER UPDATE ON lease6 FOR EACH ROW
BEGIN
    CALL lease6_AUPD_lease6_stat(OLD.state, OLD.subnet_id, OLD.lease_type, NEW.state, NEW.subnet_id, NEW.lease_type);
    CALL lease6_AUPD_lease6_stat_by_client_class(OLD.state, OLD.user_context, OLD.lease_type,
                                                 NEW.state, NEW.user_context, NEW.lease_type);
END
;;
CREATE TRIGGER lease6_ADEL AFTER DELETE ON lease6 FOR EACH ROW
BEGIN
    CALL lease6_ADEL_lease6_stat(OLD.state, OLD.subnet_id, OLD.lease_type);
    CALL lease6_ADEL_lease6_stat_by_client_class(OLD.state, OLD.user_context, OLD.lease_type);
END
;;
CREATE PROCEDURE lease4DumpHeader()
BEGIN
    SELECT 'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context';
END
;;
CREATE PROCEDURE lease4DumpData()
BEGIN
    SELECT INET_NTOA(address), IFNULL(colonSeparatedHex(HEX(hwaddr)), ''), IFNULL(colonSeparatedHex(HEX(client_id)), ''),
           valid_lifetime, UNIX_TIMESTAMP(expire), subnet_id, fqdn_fwd, fqdn_rev, REPLACE(hostname, ',', '&#x2c'),
           state, REPLACE(IFNULL(user_context, ''), ',', '&#x2c')
    FROM lease4 ORDER BY address;
END
;;
CREATE PROCEDURE lease6DumpHeader()
BEGIN
    SELECT 'address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source';
END
;;
CREATE PROCEDURE lease6DumpData()
BEGIN
    SELECT address, IFNULL(colonSeparatedHex(HEX(duid)), ''), valid_lifetime, UNIX_TIMESTAMP(expire), subnet_id,
           pref_lifetime, lease_type, iaid, prefix_len, fqdn_fwd, fqdn_rev, REPLACE(hostname, ',', '&#x2c'),
           IFNULL(colonSeparatedHex(HEX(hwaddr)), ''), state, REPLACE(IFNULL(user_context, ''), ',', '&#x2c'),
           hwtype, hwaddr_source
    FROM lease6 ORDER BY address;
END
;;
CREATE PROCEDURE lease4Upload(IN address VARCHAR(15), IN hwaddr VARCHAR(20), IN client_id VARCHAR(128),
                              IN valid_lifetime INT UNSIGNED, IN expire BIGINT UNSIGNED, IN subnet_id INT UNSIGNED,
                              IN fqdn_fwd TINYINT, IN fqdn_rev TINYINT, IN hostname VARCHAR(255),
                              IN state INT UNSIGNED, IN user_context TEXT)
BEGIN
    INSERT INTO lease4 (address, hwaddr, client_id, valid_lifetime, expire, subnet_id, fqdn_fwd, fqdn_rev,
                        hostname, state, user_context)
    VALUES (INET_ATON(address), UNHEX(REPLACE(hwaddr, ':', '')), UNHEX(REPLACE(client_id, ':', '')),
            valid_lifetime, FROM_UNIXTIME(expire), subnet_id, fqdn_fwd, fqdn_rev, REPLACE(hostname, '&#x2c', ','),
            state, REPLACE(user_context, '&#x2c', ','));
END
;;
CREATE PROCEDURE lease6Upload(IN address VARCHAR(39), IN duid VARCHAR(128), IN valid_lifetime INT UNSIGNED,
                              IN expire BIGINT UNSIGNED, IN subnet_id INT UNSIGNED, IN pref_lifetime INT UNSIGNED,
                              IN lease_type TINYINT, IN iaid INT UNSIGNED, IN prefix_len TINYINT UNSIGNED,
                              IN fqdn_fwd TINYINT, IN fqdn_rev TINYINT, IN hostname VARCHAR(255), IN hwaddr VARCHAR(64),
                              IN state INT UNSIGNED, IN user_context TEXT, IN hwtype SMALLINT, IN hwaddr_source INT UNSIGNED)
BEGIN
    INSERT INTO lease6 (address, duid, valid_lifetime, expire, subnet_id, pref_lifetime, lease_type, iaid,
                        prefix_len, fqdn_fwd, fqdn_rev, hostname, hwaddr, state, user_context, hwtype, hwaddr_source)
    VALUES (address, UNHEX(REPLACE(duid, ':', '')), valid_lifetime, FROM_UNIXTIME(expire), subnet_id, pref_lifetime,
            lease_type, iaid, prefix_len, fqdn_fwd, fqdn_rev, REPLACE(hostname, '&#x2c', ','),
            UNHEX(REPLACE(hwaddr, ':', '')), state, REPLACE(user_context, '&#x2c', ','), hwtype, hwaddr_source);
END
;;
-- Lease limits (limits hook): '' when the limits in the user context of a
-- new lease allow it, else why not.
CREATE FUNCTION checkLease4Limits(user_context TEXT) RETURNS TEXT READS SQL DATA
BEGIN
    DECLARE classes TEXT;
    DECLARE cls TEXT;
    DECLARE cname VARCHAR(255);
    DECLARE lim BIGINT;
    DECLARE sid BIGINT;
    DECLARE n BIGINT;
    DECLARE i INT DEFAULT 0;
    IF user_context IS NULL OR user_context = '' THEN
        RETURN '';
    END IF;
    SET classes = JSON_EXTRACT(user_context, '$."ISC"."limits"."client-classes"');
    WHILE classes IS NOT NULL AND i < JSON_LENGTH(classes) DO
        SET cls = JSON_EXTRACT(classes, CONCAT('$[', i, ']'));
        SET cname = JSON_UNQUOTE(JSON_EXTRACT(cls, '$.name'));
        SET lim = JSON_EXTRACT(cls, '$."address-limit"');
        IF lim IS NOT NULL THEN
            SET n = IFNULL((SELECT leases FROM lease4_stat_by_client_class WHERE client_class = cname), 0);
            IF lim <= n THEN
                RETURN CONCAT('address limit ', lim, ' for client class "', cname, '", current lease count ', n);
            END IF;
        END IF;
        SET i = i + 1;
    END WHILE;
    SET sid = JSON_EXTRACT(user_context, '$."ISC"."limits"."subnet"."id"');
    SET lim = JSON_EXTRACT(user_context, '$."ISC"."limits"."subnet"."address-limit"');
    IF lim IS NOT NULL THEN
        SET n = IFNULL((SELECT leases FROM lease4_stat WHERE subnet_id = sid AND state = 0), 0);
        IF lim <= n THEN
            RETURN CONCAT('address limit ', lim, ' for subnet ID ', sid, ', current lease count ', n);
        END IF;
    END IF;
    RETURN '';
END
;;
CREATE FUNCTION checkLease6Limits(user_context TEXT) RETURNS TEXT READS SQL DATA
BEGIN
    DECLARE classes TEXT;
    DECLARE cls TEXT;
    DECLARE cname VARCHAR(255);
    DECLARE lim BIGINT;
    DECLARE sid BIGINT;
    DECLARE n BIGINT;
    DECLARE i INT DEFAULT 0;
    IF user_context IS NULL OR user_context = '' THEN
        RETURN '';
    END IF;
    SET classes = JSON_EXTRACT(user_context, '$."ISC"."limits"."client-classes"');
    WHILE classes IS NOT NULL AND i < JSON_LENGTH(classes) DO
        SET cls = JSON_EXTRACT(classes, CONCAT('$[', i, ']'));
        SET cname = JSON_UNQUOTE(JSON_EXTRACT(cls, '$.name'));
        SET lim = JSON_EXTRACT(cls, '$."address-limit"');
        IF lim IS NOT NULL THEN
            SET n = IFNULL((SELECT leases FROM lease6_stat_by_client_class WHERE client_class = cname AND lease_type = 0), 0);
            IF lim <= n THEN
                RETURN CONCAT('address limit ', lim, ' for client class "', cname, '", current lease count ', n);
            END IF;
        END IF;
        SET lim = JSON_EXTRACT(cls, '$."prefix-limit"');
        IF lim IS NOT NULL THEN
            SET n = IFNULL((SELECT leases FROM lease6_stat_by_client_class WHERE client_class = cname AND lease_type = 2), 0);
            IF lim <= n THEN
                RETURN CONCAT('prefix limit ', lim, ' for client class "', cname, '", current lease count ', n);
            END IF;
        END IF;
        SET i = i + 1;
    END WHILE;
    SET sid = JSON_EXTRACT(user_context, '$."ISC"."limits"."subnet"."id"');
    SET lim = JSON_EXTRACT(user_context, '$."ISC"."limits"."subnet"."address-limit"');
    IF lim IS NOT NULL THEN
        SET n = IFNULL((SELECT leases FROM lease6_stat WHERE subnet_id = sid AND lease_type = 0 AND state = 0), 0);
        IF lim <= n THEN
            RETURN CONCAT('address limit ', lim, ' for subnet ID ', sid, ', current lease count ', n);
        END IF;
    END IF;
    SET lim = JSON_EXTRACT(user_context, '$."ISC"."limits"."subnet"."prefix-limit"');
    IF lim IS NOT NULL THEN
        SET n = IFNULL((SELECT leases FROM lease6_stat WHERE subnet_id = sid AND lease_type = 2 AND state = 0), 0);
        IF lim <= n THEN
            RETURN CONCAT('prefix limit ', lim, ' for subnet ID ', sid, ', current lease count ', n);
        END IF;
    END IF;
    RETURN '';
END
;;
INSERT INTO schema_version VALUES (14, 0)
;;
