-- Nestor's PostgreSQL upgrade from schema 13.0 (Kea 2.2) to 22.0 (Kea
-- 2.6), for the lease and host tables: Kea's steps 14 to 22 that concern
-- them, in one transaction.

START TRANSACTION;

-- 14: options can be cancelled (never sent).
ALTER TABLE dhcp4_options ADD COLUMN cancelled BOOLEAN NOT NULL DEFAULT 'f';
ALTER TABLE dhcp6_options ADD COLUMN cancelled BOOLEAN NOT NULL DEFAULT 'f';

-- 15: relay and remote identifiers of DHCPv4 leases, for bulk leasequery.
ALTER TABLE lease4 ADD COLUMN relay_id BYTEA DEFAULT NULL, ADD COLUMN remote_id BYTEA DEFAULT NULL;
CREATE INDEX lease4_by_relay_id ON lease4 (relay_id);
CREATE INDEX lease4_by_remote_id ON lease4 (remote_id);

-- 17: the empty DUID of declined leases is three zero octets.
UPDATE lease6 SET duid = '\x000000'::bytea WHERE duid = '\x00'::bytea;

-- 17: pool identifiers and per-pool statistics.
ALTER TABLE lease4 ADD COLUMN pool_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE lease6 ADD COLUMN pool_id BIGINT NOT NULL DEFAULT 0;

CREATE TABLE lease4_pool_stat (
    subnet_id BIGINT NOT NULL,
    pool_id BIGINT NOT NULL,
    state INT8 NOT NULL,
    leases BIGINT,
    PRIMARY KEY (subnet_id, pool_id, state)
);
CREATE TABLE lease6_pool_stat (
    subnet_id BIGINT NOT NULL,
    pool_id BIGINT NOT NULL,
    lease_type SMALLINT NOT NULL,
    state INT8 NOT NULL,
    leases BIGINT,
    PRIMARY KEY (subnet_id, pool_id, lease_type, state)
);
INSERT INTO lease4_pool_stat SELECT subnet_id, pool_id, state, count(*) FROM lease4
    WHERE state IN (0, 1) GROUP BY subnet_id, pool_id, state;
INSERT INTO lease6_pool_stat SELECT subnet_id, pool_id, lease_type, state, count(*) FROM lease6
    WHERE state IN (0, 1) GROUP BY subnet_id, pool_id, lease_type, state;

CREATE FUNCTION lease4_AINS_lease4_pool_stat(new_state BIGINT, new_subnet_id BIGINT, new_pool_id BIGINT) RETURNS VOID AS $$
BEGIN
    IF new_state IN (0, 1) THEN
        INSERT INTO lease4_pool_stat AS s VALUES (new_subnet_id, new_pool_id, new_state, 1)
            ON CONFLICT (subnet_id, pool_id, state) DO UPDATE SET leases = s.leases + 1;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease4_ADEL_lease4_pool_stat(old_state BIGINT, old_subnet_id BIGINT, old_pool_id BIGINT) RETURNS VOID AS $$
BEGIN
    IF old_state IN (0, 1) THEN
        UPDATE lease4_pool_stat SET leases = GREATEST(leases - 1, 0)
            WHERE subnet_id = old_subnet_id AND pool_id = old_pool_id AND state = old_state;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease4_AUPD_lease4_pool_stat(old_state BIGINT, old_subnet_id BIGINT, old_pool_id BIGINT,
                                             new_state BIGINT, new_subnet_id BIGINT, new_pool_id BIGINT) RETURNS VOID AS $$
BEGIN
    IF old_subnet_id IS DISTINCT FROM new_subnet_id OR old_pool_id IS DISTINCT FROM new_pool_id
       OR old_state IS DISTINCT FROM new_state THEN
        PERFORM lease4_ADEL_lease4_pool_stat(old_state, old_subnet_id, old_pool_id);
        PERFORM lease4_AINS_lease4_pool_stat(new_state, new_subnet_id, new_pool_id);
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_AINS_lease6_pool_stat(new_state BIGINT, new_subnet_id BIGINT, new_pool_id BIGINT,
                                             new_lease_type SMALLINT) RETURNS VOID AS $$
BEGIN
    IF new_state IN (0, 1) THEN
        INSERT INTO lease6_pool_stat AS s VALUES (new_subnet_id, new_pool_id, new_lease_type, new_state, 1)
            ON CONFLICT (subnet_id, pool_id, lease_type, state) DO UPDATE SET leases = s.leases + 1;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_ADEL_lease6_pool_stat(old_state BIGINT, old_subnet_id BIGINT, old_pool_id BIGINT,
                                             old_lease_type SMALLINT) RETURNS VOID AS $$
BEGIN
    IF old_state IN (0, 1) THEN
        UPDATE lease6_pool_stat SET leases = GREATEST(leases - 1, 0)
            WHERE subnet_id = old_subnet_id AND pool_id = old_pool_id AND lease_type = old_lease_type
            AND state = old_state;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_AUPD_lease6_pool_stat(old_state BIGINT, old_subnet_id BIGINT, old_pool_id BIGINT,
                                             old_lease_type SMALLINT, new_state BIGINT, new_subnet_id BIGINT,
                                             new_pool_id BIGINT, new_lease_type SMALLINT) RETURNS VOID AS $$
BEGIN
    IF old_subnet_id IS DISTINCT FROM new_subnet_id OR old_pool_id IS DISTINCT FROM new_pool_id
       OR old_lease_type IS DISTINCT FROM new_lease_type OR old_state IS DISTINCT FROM new_state THEN
        PERFORM lease6_ADEL_lease6_pool_stat(old_state, old_subnet_id, old_pool_id, old_lease_type);
        PERFORM lease6_AINS_lease6_pool_stat(new_state, new_subnet_id, new_pool_id, new_lease_type);
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION func_lease4_AINS() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease4_AINS_lease4_stat_by_client_class(NEW.state, NEW.user_context);
    PERFORM lease4_AINS_lease4_stat(NEW.state, NEW.subnet_id);
    PERFORM lease4_AINS_lease4_pool_stat(NEW.state, NEW.subnet_id, NEW.pool_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION func_lease4_AUPD() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease4_AUPD_lease4_stat_by_client_class(OLD.state, OLD.user_context, NEW.state, NEW.user_context);
    PERFORM lease4_AUPD_lease4_stat(OLD.state, OLD.subnet_id, NEW.state, NEW.subnet_id);
    PERFORM lease4_AUPD_lease4_pool_stat(OLD.state, OLD.subnet_id, OLD.pool_id, NEW.state, NEW.subnet_id, NEW.pool_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION func_lease4_ADEL() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease4_ADEL_lease4_stat_by_client_class(OLD.state, OLD.user_context);
    PERFORM lease4_ADEL_lease4_stat(OLD.state, OLD.subnet_id);
    PERFORM lease4_ADEL_lease4_pool_stat(OLD.state, OLD.subnet_id, OLD.pool_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION func_lease6_AINS() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease6_AINS_lease6_stat_by_client_class(NEW.state, NEW.user_context, NEW.lease_type);
    PERFORM lease6_AINS_lease6_stat(NEW.state, NEW.subnet_id, NEW.lease_type);
    PERFORM lease6_AINS_lease6_pool_stat(NEW.state, NEW.subnet_id, NEW.pool_id, NEW.lease_type);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION func_lease6_AUPD() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease6_AUPD_lease6_stat_by_client_class(OLD.state, OLD.user_context, OLD.lease_type,
                                                    NEW.state, NEW.user_context, NEW.lease_type);
    PERFORM lease6_AUPD_lease6_stat(OLD.state, OLD.subnet_id, OLD.lease_type, NEW.state, NEW.subnet_id, NEW.lease_type);
    PERFORM lease6_AUPD_lease6_pool_stat(OLD.state, OLD.subnet_id, OLD.pool_id, OLD.lease_type,
                                         NEW.state, NEW.subnet_id, NEW.pool_id, NEW.lease_type);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION func_lease6_ADEL() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease6_ADEL_lease6_stat_by_client_class(OLD.state, OLD.user_context, OLD.lease_type);
    PERFORM lease6_ADEL_lease6_stat(OLD.state, OLD.subnet_id, OLD.lease_type);
    PERFORM lease6_ADEL_lease6_pool_stat(OLD.state, OLD.subnet_id, OLD.pool_id, OLD.lease_type);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- 18: DHCPv6 addresses are INET.
ALTER TABLE lease6 ALTER COLUMN address TYPE INET USING address::inet;
ALTER TABLE ipv6_reservations ALTER COLUMN address TYPE INET USING address::inet;

-- 17/19: relay and remote identifiers of DHCPv6 leases.
CREATE TABLE lease6_relay_id (
    extended_info_id SERIAL PRIMARY KEY NOT NULL,
    relay_id BYTEA NOT NULL,
    lease_addr INET NOT NULL,
    CONSTRAINT fk_lease6_relay_id_addr FOREIGN KEY (lease_addr) REFERENCES lease6 (address)
        ON DELETE CASCADE ON UPDATE NO ACTION
);
CREATE INDEX lease6_relay_id_by_id ON lease6_relay_id (relay_id, lease_addr);
CREATE INDEX lease6_relay_id_by_address ON lease6_relay_id (lease_addr);
CREATE TABLE lease6_remote_id (
    extended_info_id SERIAL PRIMARY KEY NOT NULL,
    remote_id BYTEA NOT NULL,
    lease_addr INET NOT NULL,
    CONSTRAINT fk_lease6_remote_id_addr FOREIGN KEY (lease_addr) REFERENCES lease6 (address)
        ON DELETE CASCADE ON UPDATE NO ACTION
);
CREATE INDEX lease6_remote_id_by_id ON lease6_remote_id (remote_id, lease_addr);
CREATE INDEX lease6_remote_id_by_address ON lease6_remote_id (lease_addr);

-- 20: page through a subnet's DHCPv6 leases by address.
CREATE INDEX lease6_by_subnet_id_address ON lease6 (subnet_id, address);

-- The dump and upload functions carry pool_id.
DROP FUNCTION lease4DumpHeader();
CREATE FUNCTION lease4DumpHeader() RETURNS TEXT AS $$
    SELECT 'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id'::text;
$$ LANGUAGE SQL;

DROP FUNCTION lease4DumpData();
CREATE FUNCTION lease4DumpData() RETURNS TABLE (
    address INET, hwaddr VARCHAR, client_id VARCHAR, valid_lifetime BIGINT, expire BIGINT,
    subnet_id BIGINT, fqdn_fwd INT, fqdn_rev INT, hostname VARCHAR, state INT8, user_context VARCHAR,
    pool_id BIGINT
) AS $$
    SELECT '0.0.0.0'::inet + l.address,
           colonSeparatedHex(encode(l.hwaddr, 'hex')),
           colonSeparatedHex(encode(l.client_id, 'hex')),
           l.valid_lifetime,
           extract(epoch FROM l.expire)::bigint,
           l.subnet_id,
           l.fqdn_fwd::int,
           l.fqdn_rev::int,
           replace(l.hostname, ',', '&#x2c'),
           l.state,
           replace(l.user_context, ',', '&#x2c'),
           l.pool_id
    FROM lease4 l ORDER BY l.address;
$$ LANGUAGE SQL;

DROP FUNCTION lease6DumpHeader();
CREATE FUNCTION lease6DumpHeader() RETURNS TEXT AS $$
    SELECT 'address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id'::text;
$$ LANGUAGE SQL;

DROP FUNCTION lease6DumpData();
CREATE FUNCTION lease6DumpData() RETURNS TABLE (
    address VARCHAR, duid VARCHAR, valid_lifetime BIGINT, expire BIGINT, subnet_id BIGINT,
    pref_lifetime BIGINT, lease_type SMALLINT, iaid INT, prefix_len SMALLINT, fqdn_fwd INT, fqdn_rev INT,
    hostname VARCHAR, hwaddr VARCHAR, state INT8, user_context VARCHAR, hwtype SMALLINT, hwaddr_source SMALLINT,
    pool_id BIGINT
) AS $$
    SELECT host(l.address),
           colonSeparatedHex(encode(l.duid, 'hex')),
           l.valid_lifetime,
           extract(epoch FROM l.expire)::bigint,
           l.subnet_id,
           l.pref_lifetime,
           l.lease_type,
           l.iaid,
           l.prefix_len,
           l.fqdn_fwd::int,
           l.fqdn_rev::int,
           replace(l.hostname, ',', '&#x2c'),
           colonSeparatedHex(encode(l.hwaddr, 'hex')),
           l.state,
           replace(l.user_context, ',', '&#x2c'),
           l.hwtype,
           l.hwaddr_source,
           l.pool_id
    FROM lease6 l ORDER BY l.address;
$$ LANGUAGE SQL;

CREATE FUNCTION lease4Upload(address VARCHAR, hwaddr VARCHAR, client_id VARCHAR, valid_lifetime BIGINT,
                             expire BIGINT, subnet_id BIGINT, fqdn_fwd INT, fqdn_rev INT, hostname VARCHAR,
                             state INT8, user_context VARCHAR, pool_id BIGINT) RETURNS VOID AS $$
    INSERT INTO lease4 (address, hwaddr, client_id, valid_lifetime, expire, subnet_id, fqdn_fwd, fqdn_rev,
                        hostname, state, user_context, pool_id)
    VALUES ($1::inet - '0.0.0.0'::inet, decode(replace($2, ':', ''), 'hex'), decode(replace($3, ':', ''), 'hex'),
            $4, to_timestamp($5), $6, $7::boolean, $8::boolean, replace($9, '&#x2c', ','), $10,
            replace($11, '&#x2c', ','), $12);
$$ LANGUAGE SQL;

CREATE FUNCTION lease6Upload(address VARCHAR, duid VARCHAR, valid_lifetime BIGINT, expire BIGINT,
                             subnet_id BIGINT, pref_lifetime BIGINT, lease_type INT, iaid INT, prefix_len INT,
                             fqdn_fwd INT, fqdn_rev INT, hostname VARCHAR, hwaddr VARCHAR, state INT8,
                             user_context VARCHAR, hwtype INT, hwaddr_source INT, pool_id BIGINT) RETURNS VOID AS $$
    INSERT INTO lease6 (address, duid, valid_lifetime, expire, subnet_id, pref_lifetime, lease_type, iaid,
                        prefix_len, fqdn_fwd, fqdn_rev, hostname, hwaddr, state, user_context, hwtype, hwaddr_source,
                        pool_id)
    VALUES ($1::inet, decode(replace($2, ':', ''), 'hex'), $3, to_timestamp($4), $5, $6, $7, $8, $9,
            $10::boolean, $11::boolean, replace($12, '&#x2c', ','), decode(replace($13, ':', ''), 'hex'), $14,
            replace($15, '&#x2c', ','), $16, $17, $18);
$$ LANGUAGE SQL;

UPDATE schema_version SET version = 22, minor = 0;

COMMIT;
