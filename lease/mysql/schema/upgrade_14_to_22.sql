-- Nestor's MySQL upgrade from schema 14.0 (Kea 2.2) to 22.0 (Kea 2.6),
-- for the lease and host tables: Kea's steps 15 to 22 that concern them.
-- Statements end with a line holding ";;".

ALTER TABLE dhcp4_options ADD COLUMN cancelled TINYINT(1) NOT NULL DEFAULT 0
;;
ALTER TABLE dhcp6_options ADD COLUMN cancelled TINYINT(1) NOT NULL DEFAULT 0
;;
ALTER TABLE lease4 ADD COLUMN relay_id VARBINARY(255) DEFAULT NULL, ADD COLUMN remote_id VARBINARY(255) DEFAULT NULL,
    ADD INDEX lease4_by_relay_id (relay_id), ADD INDEX lease4_by_remote_id (remote_id),
    MODIFY COLUMN client_id VARBINARY(255)
;;
ALTER TABLE hosts MODIFY COLUMN dhcp_identifier VARBINARY(255) NOT NULL
;;
ALTER TABLE lease6 MODIFY COLUMN duid VARBINARY(130)
;;
UPDATE lease6 SET duid = UNHEX('000000') WHERE duid = UNHEX('00')
;;
ALTER TABLE lease4 ADD COLUMN pool_id INT UNSIGNED NOT NULL DEFAULT 0
;;
ALTER TABLE lease6 ADD COLUMN pool_id INT UNSIGNED NOT NULL DEFAULT 0
;;
CREATE TABLE lease4_pool_stat (
    subnet_id INT UNSIGNED NOT NULL,
    pool_id INT UNSIGNED NOT NULL,
    state INT UNSIGNED NOT NULL,
    leases BIGINT,
    PRIMARY KEY (subnet_id, pool_id, state)
) ENGINE = InnoDB
;;
CREATE TABLE lease6_pool_stat (
    subnet_id INT UNSIGNED NOT NULL,
    pool_id INT UNSIGNED NOT NULL,
    lease_type TINYINT NOT NULL,
    state INT UNSIGNED NOT NULL,
    leases BIGINT,
    PRIMARY KEY (subnet_id, pool_id, lease_type, state)
) ENGINE = InnoDB
;;
INSERT INTO lease4_pool_stat SELECT subnet_id, pool_id, state, COUNT(*) FROM lease4
    WHERE state IN (0, 1) GROUP BY subnet_id, pool_id, state
;;
INSERT INTO lease6_pool_stat SELECT subnet_id, pool_id, lease_type, state, COUNT(*) FROM lease6
    WHERE state IN (0, 1) GROUP BY subnet_id, pool_id, lease_type, state
;;
CREATE PROCEDURE lease4_AINS_lease4_pool_stat(IN new_state TINYINT, IN new_subnet_id INT UNSIGNED, IN new_pool_id INT UNSIGNED)
BEGIN
    IF new_state IN (0, 1) THEN
        INSERT INTO lease4_pool_stat VALUES (new_subnet_id, new_pool_id, new_state, 1)
            ON DUPLICATE KEY UPDATE leases = leases + 1;
    END IF;
END
;;
CREATE PROCEDURE lease4_ADEL_lease4_pool_stat(IN old_state TINYINT, IN old_subnet_id INT UNSIGNED, IN old_pool_id INT UNSIGNED)
BEGIN
    IF old_state IN (0, 1) THEN
        UPDATE lease4_pool_stat SET leases = IF(leases > 0, leases - 1, 0)
            WHERE subnet_id = old_subnet_id AND pool_id = old_pool_id AND state = old_state;
    END IF;
END
;;
CREATE PROCEDURE lease4_AUPD_lease4_pool_stat(IN old_state TINYINT, IN old_subnet_id INT UNSIGNED, IN old_pool_id INT UNSIGNED,
                                              IN new_state TINYINT, IN new_subnet_id INT UNSIGNED, IN new_pool_id INT UNSIGNED)
BEGIN
    IF NOT (old_subnet_id <=> new_subnet_id) OR NOT (old_pool_id <=> new_pool_id) OR NOT (old_state <=> new_state) THEN
        CALL lease4_ADEL_lease4_pool_stat(old_state, old_subnet_id, old_pool_id);
        CALL lease4_AINS_lease4_pool_stat(new_state, new_subnet_id, new_pool_id);
    END IF;
END
;;
CREATE PROCEDURE lease6_AINS_lease6_pool_stat(IN new_state TINYINT, IN new_subnet_id INT UNSIGNED, IN new_pool_id INT UNSIGNED,
                                              IN new_lease_type TINYINT)
BEGIN
    IF new_state IN (0, 1) THEN
        INSERT INTO lease6_pool_stat VALUES (new_subnet_id, new_pool_id, new_lease_type, new_state, 1)
            ON DUPLICATE KEY UPDATE leases = leases + 1;
    END IF;
END
;;
CREATE PROCEDURE lease6_ADEL_lease6_pool_stat(IN old_state TINYINT, IN old_subnet_id INT UNSIGNED, IN old_pool_id INT UNSIGNED,
                                              IN old_lease_type TINYINT)
BEGIN
    IF old_state IN (0, 1) THEN
        UPDATE lease6_pool_stat SET leases = IF(leases > 0, leases - 1, 0)
            WHERE subnet_id = old_subnet_id AND pool_id = old_pool_id AND lease_type = old_lease_type AND state = old_state;
    END IF;
END
;;
CREATE PROCEDURE lease6_AUPD_lease6_pool_stat(IN old_state TINYINT, IN old_subnet_id INT UNSIGNED, IN old_pool_id INT UNSIGNED,
                                              IN old_lease_type TINYINT, IN new_state TINYINT, IN new_subnet_id INT UNSIGNED,
                                              IN new_pool_id INT UNSIGNED, IN new_lease_type TINYINT)
BEGIN
    IF NOT (old_subnet_id <=> new_subnet_id) OR NOT (old_pool_id <=> new_pool_id) OR
       NOT (old_lease_type <=> new_lease_type) OR NOT (old_state <=> new_state) THEN
        CALL lease6_ADEL_lease6_pool_stat(old_state, old_subnet_id, old_pool_id, old_lease_type);
        CALL lease6_AINS_lease6_pool_stat(new_state, new_subnet_id, new_pool_id, new_lease_type);
    END IF;
END
;;
DROP TRIGGER lease4_AINS
;;
DROP TRIGGER lease4_AUPD
;;
DROP TRIGGER lease4_ADEL
;;
DROP TRIGGER lease6_AINS
;;
DROP TRIGGER lease6_AUPD
;;
DROP TRIGGER lease6_ADEL
;;
CREATE TRIGGER lease4_AINS AFTER INSERT ON lease4 FOR EACH ROW
BEGIN
    CALL lease4_AINS_lease4_stat(NEW.state, NEW.subnet_id);
    CALL lease4_AINS_lease4_pool_stat(NEW.state, NEW.subnet_id, NEW.pool_id);
    CALL lease4_AINS_lease4_stat_by_client_class(NEW.state, NEW.user_context);
END
;;
CREATE TRIGGER lease4_AUPD AFTER UPDATE ON lease4 FOR EACH ROW
BEGIN
    CALL lease4_AUPD_lease4_stat(OLD.state, OLD.subnet_id, NEW.state, NEW.subnet_id);
    CALL lease4_AUPD_lease4_pool_stat(OLD.state, OLD.subnet_id, OLD.pool_id, NEW.state, NEW.subnet_id, NEW.pool_id);
    CALL lease4_AUPD_lease4_stat_by_client_class(OLD.state, OLD.user_context, NEW.state, NEW.user_context);
END
;;
CREATE TRIGGER lease4_ADEL AFTER DELETE ON lease4 FOR EACH ROW
BEGIN
    CALL lease4_ADEL_lease4_stat(OLD.state, OLD.subnet_id);
    CALL lease4_ADEL_lease4_pool_stat(OLD.state, OLD.subnet_id, OLD.pool_id);
    CALL lease4_ADEL_lease4_stat_by_client_class(OLD.state, OLD.user_context);
END
;;
CREATE TRIGGER lease6_AINS AFTER INSERT ON lease6 FOR EACH ROW
BEGIN
    CALL lease6_AINS_lease6_stat(NEW.state, NEW.subnet_id, NEW.lease_type);
    CALL lease6_AINS_lease6_pool_stat(NEW.state, NEW.subnet_id, NEW.pool_id, NEW.lease_type);
    CALL lease6_AINS_lease6_stat_by_client_class(NEW.state, NEW.user_context, NEW.lease_type);
END
;;
CREATE TRIGGER lease6_AUPD AFTER UPDATE ON lease6 FOR EACH ROW
BEGIN
    CALL lease6_AUPD_lease6_stat(OLD.state, OLD.subnet_id, OLD.lease_type, NEW.state, NEW.subnet_id, NEW.lease_type);
    CALL lease6_AUPD_lease6_pool_stat(OLD.state, OLD.subnet_id, OLD.pool_id, OLD.lease_type,
                                      NEW.state, NEW.subnet_id, NEW.pool_id, NEW.lease_type);
    CALL lease6_AUPD_lease6_stat_by_client_class(OLD.state, OLD.user_context, OLD.lease_type,
                                                 NEW.state, NEW.user_context, NEW.lease_type);
END
;;
CREATE TRIGGER lease6_ADEL AFTER DELETE ON lease6 FOR EACH ROW
BEGIN
    CALL lease6_ADEL_lease6_stat(OLD.state, OLD.subnet_id, OLD.lease_type);
    CALL lease6_ADEL_lease6_pool_stat(OLD.state, OLD.subnet_id, OLD.pool_id, OLD.lease_type);
    CALL lease6_ADEL_lease6_stat_by_client_class(OLD.state, OLD.user_context, OLD.lease_type);
END
;;
-- DHCPv6 addresses become BINARY(16), still the first column and the key.
ALTER TABLE lease6 ADD COLUMN binaddr BINARY(16) FIRST
;;
UPDATE lease6 SET binaddr = INET6_ATON(address)
;;
ALTER TABLE lease6 DROP PRIMARY KEY, DROP COLUMN address
;;
ALTER TABLE lease6 CHANGE COLUMN binaddr address BINARY(16) NOT NULL, ADD PRIMARY KEY (address)
;;
ALTER TABLE ipv6_reservations ADD COLUMN binaddr BINARY(16) AFTER reservation_id
;;
UPDATE ipv6_reservations SET binaddr = INET6_ATON(address)
;;
ALTER TABLE ipv6_reservations DROP INDEX key_dhcp6_address_prefix_len, DROP COLUMN address
;;
ALTER TABLE ipv6_reservations CHANGE COLUMN binaddr address BINARY(16) NOT NULL,
    ADD INDEX key_dhcp6_address_prefix_len (address, prefix_len)
;;
CREATE TABLE lease6_relay_id (
    extended_info_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    relay_id VARBINARY(255) NOT NULL,
    lease_addr BINARY(16) NOT NULL,
    INDEX lease6_relay_id_by_id (relay_id, lease_addr),
    INDEX lease6_relay_id_by_address (lease_addr),
    CONSTRAINT fk_lease6_relay_id_addr FOREIGN KEY (lease_addr) REFERENCES lease6 (address) ON DELETE CASCADE ON UPDATE NO ACTION
) ENGINE = InnoDB
;;
CREATE TABLE lease6_remote_id (
    extended_info_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    remote_id VARBINARY(255) NOT NULL,
    lease_addr BINARY(16) NOT NULL,
    INDEX lease6_remote_id_by_id (remote_id, lease_addr),
    INDEX lease6_remote_id_by_address (lease_addr),
    CONSTRAINT fk_lease6_remote_id_addr FOREIGN KEY (lease_addr) REFERENCES lease6 (address) ON DELETE CASCADE ON UPDATE NO ACTION
) ENGINE = InnoDB
;;
CREATE INDEX lease6_by_subnet_id_address ON lease6 (subnet_id, address)
;;
DROP PROCEDURE lease4DumpHeader
;;
CREATE PROCEDURE lease4DumpHeader()
BEGIN
    SELECT 'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id';
END
;;
DROP PROCEDURE lease4DumpData
;;
CREATE PROCEDURE lease4DumpData()
BEGIN
    SELECT INET_NTOA(address), IFNULL(colonSeparatedHex(HEX(hwaddr)), ''), IFNULL(colonSeparatedHex(HEX(client_id)), ''),
           valid_lifetime, UNIX_TIMESTAMP(expire), subnet_id, fqdn_fwd, fqdn_rev, REPLACE(hostname, ',', '&#x2c'),
           state, REPLACE(IFNULL(user_context, ''), ',', '&#x2c'), pool_id
    FROM lease4 ORDER BY address;
END
;;
DROP PROCEDURE lease6DumpHeader
;;
CREATE PROCEDURE lease6DumpHeader()
BEGIN
    SELECT 'address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id';
END
;;
DROP PROCEDURE lease6DumpData
;;
CREATE PROCEDURE lease6DumpData()
BEGIN
    SELECT INET6_NTOA(address), IFNULL(colonSeparatedHex(HEX(duid)), ''), valid_lifetime, UNIX_TIMESTAMP(expire), subnet_id,
           pref_lifetime, lease_type, iaid, prefix_len, fqdn_fwd, fqdn_rev, REPLACE(hostname, ',', '&#x2c'),
           IFNULL(colonSeparatedHex(HEX(hwaddr)), ''), state, REPLACE(IFNULL(user_context, ''), ',', '&#x2c'),
           hwtype, hwaddr_source, pool_id
    FROM lease6 ORDER BY address;
END
;;
DROP PROCEDURE lease4Upload
;;
CREATE PROCEDURE lease4Upload(IN address VARCHAR(15), IN hwaddr VARCHAR(20), IN client_id VARCHAR(255),
                              IN valid_lifetime INT UNSIGNED, IN expire BIGINT UNSIGNED, IN subnet_id INT UNSIGNED,
                              IN fqdn_fwd TINYINT, IN fqdn_rev TINYINT, IN hostname VARCHAR(255),
                              IN state INT UNSIGNED, IN user_context TEXT, IN pool_id INT UNSIGNED)
BEGIN
    INSERT INTO lease4 (address, hwaddr, client_id, valid_lifetime, expire, subnet_id, fqdn_fwd, fqdn_rev,
                        hostname, state, user_context, pool_id)
    VALUES (INET_ATON(address), UNHEX(REPLACE(hwaddr, ':', '')), UNHEX(REPLACE(client_id, ':', '')),
            valid_lifetime, FROM_UNIXTIME(expire), subnet_id, fqdn_fwd, fqdn_rev, REPLACE(hostname, '&#x2c', ','),
            state, REPLACE(user_context, '&#x2c', ','), pool_id);
END
;;
DROP PROCEDURE lease6Upload
;;
CREATE PROCEDURE lease6Upload(IN address VARCHAR(39), IN duid VARCHAR(130), IN valid_lifetime INT UNSIGNED,
                              IN expire BIGINT UNSIGNED, IN subnet_id INT UNSIGNED, IN pref_lifetime INT UNSIGNED,
                              IN lease_type TINYINT, IN iaid INT UNSIGNED, IN prefix_len TINYINT UNSIGNED,
                              IN fqdn_fwd TINYINT, IN fqdn_rev TINYINT, IN hostname VARCHAR(255), IN hwaddr VARCHAR(64),
                              IN state INT UNSIGNED, IN user_context TEXT, IN hwtype SMALLINT, IN hwaddr_source INT UNSIGNED,
                              IN pool_id INT UNSIGNED)
BEGIN
    INSERT INTO lease6 (address, duid, valid_lifetime, expire, subnet_id, pref_lifetime, lease_type, iaid,
                        prefix_len, fqdn_fwd, fqdn_rev, hostname, hwaddr, state, user_context, hwtype, hwaddr_source, pool_id)
    VALUES (INET6_ATON(address), UNHEX(REPLACE(duid, ':', '')), valid_lifetime, FROM_UNIXTIME(expire), subnet_id,
            pref_lifetime, lease_type, iaid, prefix_len, fqdn_fwd, fqdn_rev, REPLACE(hostname, '&#x2c', ','),
            UNHEX(REPLACE(hwaddr, ':', '')), state, REPLACE(user_context, '&#x2c', ','), hwtype, hwaddr_source, pool_id);
END
;;
UPDATE schema_version SET version = 22, minor = 0
;;
