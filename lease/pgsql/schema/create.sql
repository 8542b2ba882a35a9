-- Nestor's PostgreSQL lease and host schema, version 13.0: the tables,
-- columns, types, functions and triggers that Kea 2.2's lease and host
-- backends and its kea-admin use, with Kea's names. Written for Nestor
-- from the description of Kea's schema; Kea's configuration backend
-- tables are not part of it.

CREATE TABLE schema_version (
    version INT PRIMARY KEY NOT NULL,
    minor INT
);

-- Lookup tables with Kea's numbers.
CREATE TABLE lease_state (
    state BIGINT PRIMARY KEY NOT NULL,
    name VARCHAR(64) NOT NULL
);
INSERT INTO lease_state VALUES (0, 'default'), (1, 'declined'), (2, 'expired-reclaimed');

CREATE TABLE lease6_types (
    lease_type SMALLINT PRIMARY KEY NOT NULL,
    name VARCHAR(5)
);
INSERT INTO lease6_types VALUES (0, 'IA_NA'), (1, 'IA_TA'), (2, 'IA_PD');

CREATE TABLE lease_hwaddr_source (
    hwaddr_source INT PRIMARY KEY NOT NULL,
    name VARCHAR(40) DEFAULT NULL
);
INSERT INTO lease_hwaddr_source VALUES
    (0, 'HWADDR_SOURCE_UNKNOWN'),
    (1, 'HWADDR_SOURCE_RAW'),
    (2, 'HWADDR_SOURCE_IPV6_LINK_LOCAL'),
    (4, 'HWADDR_SOURCE_DUID'),
    (8, 'HWADDR_SOURCE_CLIENT_ADDR_RELAY_OPTION'),
    (16, 'HWADDR_SOURCE_REMOTE_ID'),
    (32, 'HWADDR_SOURCE_SUBSCRIBER_ID'),
    (64, 'HWADDR_SOURCE_DOCSIS_CMTS'),
    (128, 'HWADDR_SOURCE_DOCSIS_MODEM');

-- DHCPv4 leases: the address as an unsigned 32-bit number.
CREATE TABLE lease4 (
    address BIGINT PRIMARY KEY NOT NULL,
    hwaddr BYTEA,
    client_id BYTEA,
    valid_lifetime BIGINT,
    expire TIMESTAMP WITH TIME ZONE,
    subnet_id BIGINT,
    fqdn_fwd BOOLEAN,
    fqdn_rev BOOLEAN,
    hostname VARCHAR(255),
    state BIGINT DEFAULT 0,
    user_context TEXT,
    CONSTRAINT fk_lease4_state FOREIGN KEY (state) REFERENCES lease_state (state)
);
CREATE INDEX lease4_by_client_id_subnet_id ON lease4 (client_id, subnet_id);
CREATE INDEX lease4_by_hostname ON lease4 (lower(hostname)) WHERE hostname IS NOT NULL;
CREATE INDEX lease4_by_hwaddr_subnet_id ON lease4 (hwaddr, subnet_id);
CREATE INDEX lease4_by_state_expire ON lease4 (state, expire);
CREATE INDEX lease4_by_subnet_id ON lease4 (subnet_id);

-- DHCPv6 leases: the address in text form.
CREATE TABLE lease6 (
    address VARCHAR(39) PRIMARY KEY NOT NULL,
    duid BYTEA,
    valid_lifetime BIGINT,
    expire TIMESTAMP WITH TIME ZONE,
    subnet_id BIGINT,
    pref_lifetime BIGINT,
    lease_type SMALLINT,
    iaid INT,
    prefix_len SMALLINT,
    fqdn_fwd BOOLEAN,
    fqdn_rev BOOLEAN,
    hostname VARCHAR(255),
    state BIGINT DEFAULT 0,
    hwaddr BYTEA,
    hwtype SMALLINT,
    hwaddr_source SMALLINT,
    user_context TEXT,
    CONSTRAINT fk_lease6_state FOREIGN KEY (state) REFERENCES lease_state (state),
    CONSTRAINT fk_lease6_type FOREIGN KEY (lease_type) REFERENCES lease6_types (lease_type)
);
CREATE INDEX lease6_by_duid_iaid_subnet_id ON lease6 (duid, iaid, subnet_id);
CREATE INDEX lease6_by_hostname ON lease6 (lower(hostname)) WHERE hostname IS NOT NULL;
CREATE INDEX lease6_by_state_expire ON lease6 (state, expire);
CREATE INDEX lease6_by_subnet_id_lease_type ON lease6 (subnet_id, lease_type);

-- Lease counts kept by the triggers below for the statistics recount.
CREATE TABLE lease4_stat (
    subnet_id BIGINT NOT NULL,
    state BIGINT NOT NULL,
    leases BIGINT,
    PRIMARY KEY (subnet_id, state)
);
CREATE TABLE lease6_stat (
    subnet_id BIGINT NOT NULL,
    lease_type SMALLINT NOT NULL,
    state BIGINT NOT NULL,
    leases BIGINT,
    PRIMARY KEY (subnet_id, lease_type, state)
);
CREATE TABLE lease4_stat_by_client_class (
    client_class VARCHAR(128) PRIMARY KEY NOT NULL,
    leases BIGINT NOT NULL
);
CREATE TABLE lease6_stat_by_client_class (
    client_class VARCHAR(128) NOT NULL,
    lease_type SMALLINT NOT NULL,
    leases BIGINT NOT NULL,
    PRIMARY KEY (client_class, lease_type),
    CONSTRAINT fk_lease6_stat_by_client_class_lease_type FOREIGN KEY (lease_type) REFERENCES lease6_types (lease_type)
);

-- Forensic logging (legal_log hook).
CREATE TABLE logs (
    timestamp TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    address VARCHAR(43),
    log TEXT NOT NULL
);
CREATE INDEX timestamp_id ON logs (timestamp);
CREATE INDEX address_id ON logs (address);

-- Host reservations.
CREATE TABLE host_identifier_type (
    type SMALLINT PRIMARY KEY NOT NULL,
    name VARCHAR(32) DEFAULT NULL
);
INSERT INTO host_identifier_type VALUES
    (0, 'hw-address'), (1, 'duid'), (2, 'circuit-id'), (3, 'client-id'), (4, 'flex-id');

CREATE TABLE dhcp_option_scope (
    scope_id SMALLINT PRIMARY KEY NOT NULL,
    scope_name VARCHAR(32) DEFAULT NULL
);
INSERT INTO dhcp_option_scope VALUES
    (0, 'global'), (1, 'subnet'), (2, 'client-class'), (3, 'host'),
    (4, 'shared-network'), (5, 'pool'), (6, 'pd-pool');

CREATE TABLE hosts (
    host_id SERIAL PRIMARY KEY NOT NULL,
    dhcp_identifier BYTEA NOT NULL,
    dhcp_identifier_type SMALLINT NOT NULL,
    dhcp4_subnet_id BIGINT,
    dhcp6_subnet_id BIGINT,
    ipv4_address BIGINT,
    hostname VARCHAR(255) DEFAULT NULL,
    dhcp4_client_classes VARCHAR(255) DEFAULT NULL,
    dhcp6_client_classes VARCHAR(255) DEFAULT NULL,
    dhcp4_next_server BIGINT,
    dhcp4_server_hostname VARCHAR(64) DEFAULT NULL,
    dhcp4_boot_file_name VARCHAR(128) DEFAULT NULL,
    user_context TEXT,
    auth_key VARCHAR(32) DEFAULT NULL,
    CONSTRAINT fk_host_identifier_type FOREIGN KEY (dhcp_identifier_type)
        REFERENCES host_identifier_type (type) ON DELETE CASCADE
);
CREATE INDEX fk_host_identifier_type ON hosts (dhcp_identifier_type);
CREATE INDEX hosts_by_hostname ON hosts (lower(hostname)) WHERE hostname IS NOT NULL;
CREATE UNIQUE INDEX key_dhcp4_identifier_subnet_id ON hosts
    (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id) WHERE dhcp4_subnet_id IS NOT NULL;
CREATE UNIQUE INDEX key_dhcp6_identifier_subnet_id ON hosts
    (dhcp_identifier, dhcp_identifier_type, dhcp6_subnet_id) WHERE dhcp6_subnet_id IS NOT NULL;
CREATE INDEX key_dhcp4_ipv4_address_subnet_id ON hosts (ipv4_address, dhcp4_subnet_id);
CREATE INDEX key_dhcp_identifier ON hosts (dhcp_identifier, dhcp_identifier_type);

CREATE TABLE ipv6_reservations (
    reservation_id SERIAL PRIMARY KEY NOT NULL,
    address VARCHAR(39) NOT NULL,
    prefix_len SMALLINT NOT NULL DEFAULT 128,
    type SMALLINT NOT NULL DEFAULT 0,
    dhcp6_iaid INT,
    host_id INT NOT NULL,
    CONSTRAINT fk_ipv6_reservations_host FOREIGN KEY (host_id) REFERENCES hosts (host_id) ON DELETE CASCADE
);
CREATE INDEX fk_ipv6_reservations_host_idx ON ipv6_reservations (host_id);
CREATE INDEX key_dhcp6_address_prefix_len ON ipv6_reservations (address, prefix_len);

-- Options of host reservations (Kea shares these tables with its
-- configuration backend, whose columns they keep).
CREATE TABLE dhcp4_options (
    option_id SERIAL PRIMARY KEY NOT NULL,
    code SMALLINT NOT NULL,
    value BYTEA,
    formatted_value TEXT,
    space VARCHAR(128) DEFAULT NULL,
    persistent BOOLEAN NOT NULL DEFAULT 'f',
    dhcp_client_class VARCHAR(128) DEFAULT NULL,
    dhcp4_subnet_id BIGINT,
    host_id INT,
    scope_id SMALLINT NOT NULL,
    user_context TEXT,
    shared_network_name VARCHAR(128) DEFAULT NULL,
    pool_id BIGINT,
    modification_ts TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_options_host1 FOREIGN KEY (host_id) REFERENCES hosts (host_id) ON DELETE CASCADE,
    CONSTRAINT fk_dhcp4_option_scode FOREIGN KEY (scope_id) REFERENCES dhcp_option_scope (scope_id) ON DELETE CASCADE
);
CREATE INDEX fk_dhcp4_options_host1_idx ON dhcp4_options (host_id);
CREATE INDEX fk_dhcp4_options_scope_idx ON dhcp4_options (scope_id);

CREATE TABLE dhcp6_options (
    option_id SERIAL PRIMARY KEY NOT NULL,
    code INT NOT NULL,
    value BYTEA,
    formatted_value TEXT,
    space VARCHAR(128) DEFAULT NULL,
    persistent BOOLEAN NOT NULL DEFAULT 'f',
    dhcp_client_class VARCHAR(128) DEFAULT NULL,
    dhcp6_subnet_id BIGINT,
    host_id INT,
    scope_id SMALLINT NOT NULL,
    user_context TEXT,
    shared_network_name VARCHAR(128) DEFAULT NULL,
    pool_id BIGINT,
    pd_pool_id BIGINT,
    modification_ts TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_options_host10 FOREIGN KEY (host_id) REFERENCES hosts (host_id) ON DELETE CASCADE,
    CONSTRAINT fk_dhcp6_option_scode FOREIGN KEY (scope_id) REFERENCES dhcp_option_scope (scope_id) ON DELETE CASCADE
);
CREATE INDEX fk_dhcp6_options_host1_idx ON dhcp6_options (host_id);
CREATE INDEX fk_dhcp6_options_scope_idx ON dhcp6_options (scope_id);

-- Helpers used by the triggers and by kea-admin.
CREATE FUNCTION isJsonSupported() RETURNS BOOLEAN AS $$
    SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'json_extract_path');
$$ LANGUAGE SQL;

CREATE FUNCTION json_cast(json_candidate TEXT) RETURNS JSON AS $$
BEGIN
    IF json_candidate IS NULL OR LENGTH(json_candidate) = 0 THEN
        RETURN '{}'::json;
    END IF;
    RETURN json_candidate::json;
END;
$$ LANGUAGE plpgsql;

-- Lower-case hex octets joined by colons, as memfile writes them.
CREATE FUNCTION colonSeparatedHex(hex TEXT) RETURNS TEXT AS $$
DECLARE
    h TEXT := lower(hex);
    result TEXT := '';
    pos INT := 1;
BEGIN
    IF h IS NULL OR h = '' THEN
        RETURN h;
    END IF;
    IF length(h) % 2 = 1 THEN
        h := '0' || h;
    END IF;
    WHILE pos <= length(h) LOOP
        IF pos > 1 THEN
            result := result || ':';
        END IF;
        result := result || substr(h, pos, 2);
        pos := pos + 2;
    END LOOP;
    RETURN result;
END;
$$ LANGUAGE plpgsql;

-- Statistics: leases in the default (0) and declined (1) states are
-- counted per subnet (and lease type); assigned leases per client class
-- listed under "ISC" / "client-classes" of the user context.
CREATE FUNCTION lease4_AINS_lease4_stat(new_state BIGINT, new_subnet_id BIGINT) RETURNS VOID AS $$
BEGIN
    IF new_state IN (0, 1) THEN
        INSERT INTO lease4_stat AS s VALUES (new_subnet_id, new_state, 1)
            ON CONFLICT (subnet_id, state) DO UPDATE SET leases = s.leases + 1;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease4_ADEL_lease4_stat(old_state BIGINT, old_subnet_id BIGINT) RETURNS VOID AS $$
BEGIN
    IF old_state IN (0, 1) THEN
        UPDATE lease4_stat SET leases = GREATEST(leases - 1, 0)
            WHERE subnet_id = old_subnet_id AND state = old_state;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease4_AUPD_lease4_stat(old_state BIGINT, old_subnet_id BIGINT,
                                        new_state BIGINT, new_subnet_id BIGINT) RETURNS VOID AS $$
BEGIN
    IF old_subnet_id IS DISTINCT FROM new_subnet_id OR old_state IS DISTINCT FROM new_state THEN
        PERFORM lease4_ADEL_lease4_stat(old_state, old_subnet_id);
        PERFORM lease4_AINS_lease4_stat(new_state, new_subnet_id);
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_AINS_lease6_stat(new_state BIGINT, new_subnet_id BIGINT, new_lease_type SMALLINT) RETURNS VOID AS $$
BEGIN
    IF new_state IN (0, 1) THEN
        INSERT INTO lease6_stat AS s VALUES (new_subnet_id, new_lease_type, new_state, 1)
            ON CONFLICT (subnet_id, lease_type, state) DO UPDATE SET leases = s.leases + 1;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_ADEL_lease6_stat(old_state BIGINT, old_subnet_id BIGINT, old_lease_type SMALLINT) RETURNS VOID AS $$
BEGIN
    IF old_state IN (0, 1) THEN
        UPDATE lease6_stat SET leases = GREATEST(leases - 1, 0)
            WHERE subnet_id = old_subnet_id AND lease_type = old_lease_type AND state = old_state;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_AUPD_lease6_stat(old_state BIGINT, old_subnet_id BIGINT, old_lease_type SMALLINT,
                                        new_state BIGINT, new_subnet_id BIGINT, new_lease_type SMALLINT) RETURNS VOID AS $$
BEGIN
    IF old_subnet_id IS DISTINCT FROM new_subnet_id OR old_lease_type IS DISTINCT FROM new_lease_type
       OR old_state IS DISTINCT FROM new_state THEN
        PERFORM lease6_ADEL_lease6_stat(old_state, old_subnet_id, old_lease_type);
        PERFORM lease6_AINS_lease6_stat(new_state, new_subnet_id, new_lease_type);
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease4_AINS_lease4_stat_by_client_class(new_state BIGINT, new_user_context TEXT) RETURNS VOID AS $$
DECLARE
    cls TEXT;
BEGIN
    IF new_state = 0 THEN
        FOR cls IN SELECT json_array_elements_text(json_cast(new_user_context)->'ISC'->'client-classes') LOOP
            INSERT INTO lease4_stat_by_client_class AS s VALUES (cls, 1)
                ON CONFLICT (client_class) DO UPDATE SET leases = s.leases + 1;
        END LOOP;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease4_ADEL_lease4_stat_by_client_class(old_state BIGINT, old_user_context TEXT) RETURNS VOID AS $$
DECLARE
    cls TEXT;
BEGIN
    IF old_state = 0 THEN
        FOR cls IN SELECT json_array_elements_text(json_cast(old_user_context)->'ISC'->'client-classes') LOOP
            UPDATE lease4_stat_by_client_class SET leases = GREATEST(leases - 1, 0) WHERE client_class = cls;
        END LOOP;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease4_AUPD_lease4_stat_by_client_class(old_state BIGINT, old_user_context TEXT,
                                                        new_state BIGINT, new_user_context TEXT) RETURNS VOID AS $$
BEGIN
    IF old_state IS DISTINCT FROM new_state OR
       (json_cast(old_user_context)->'ISC'->'client-classes')::text IS DISTINCT FROM
       (json_cast(new_user_context)->'ISC'->'client-classes')::text THEN
        PERFORM lease4_ADEL_lease4_stat_by_client_class(old_state, old_user_context);
        PERFORM lease4_AINS_lease4_stat_by_client_class(new_state, new_user_context);
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_AINS_lease6_stat_by_client_class(new_state BIGINT, new_user_context TEXT,
                                                        new_lease_type SMALLINT) RETURNS VOID AS $$
DECLARE
    cls TEXT;
BEGIN
    IF new_state = 0 THEN
        FOR cls IN SELECT json_array_elements_text(json_cast(new_user_context)->'ISC'->'client-classes') LOOP
            INSERT INTO lease6_stat_by_client_class AS s VALUES (cls, new_lease_type, 1)
                ON CONFLICT (client_class, lease_type) DO UPDATE SET leases = s.leases + 1;
        END LOOP;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_ADEL_lease6_stat_by_client_class(old_state BIGINT, old_user_context TEXT,
                                                        old_lease_type SMALLINT) RETURNS VOID AS $$
DECLARE
    cls TEXT;
BEGIN
    IF old_state = 0 THEN
        FOR cls IN SELECT json_array_elements_text(json_cast(old_user_context)->'ISC'->'client-classes') LOOP
            UPDATE lease6_stat_by_client_class SET leases = GREATEST(leases - 1, 0)
                WHERE client_class = cls AND lease_type = old_lease_type;
        END LOOP;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION lease6_AUPD_lease6_stat_by_client_class(old_state BIGINT, old_user_context TEXT, old_lease_type SMALLINT,
                                                        new_state BIGINT, new_user_context TEXT, new_lease_type SMALLINT) RETURNS VOID AS $$
BEGIN
    IF old_state IS DISTINCT FROM new_state OR old_lease_type IS DISTINCT FROM new_lease_type OR
       (json_cast(old_user_context)->'ISC'->'client-classes')::text IS DISTINCT FROM
       (json_cast(new_user_context)->'ISC'->'client-classes')::text THEN
        PERFORM lease6_ADEL_lease6_stat_by_client_class(old_state, old_user_context, old_lease_type);
        PERFORM lease6_AINS_lease6_stat_by_client_class(new_state, new_user_context, new_lease_type);
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION func_lease4_AINS() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease4_AINS_lease4_stat_by_client_class(NEW.state, NEW.user_context);
    PERFORM lease4_AINS_lease4_stat(NEW.state, NEW.subnet_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION func_lease4_AUPD() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease4_AUPD_lease4_stat_by_client_class(OLD.state, OLD.user_context, NEW.state, NEW.user_context);
    PERFORM lease4_AUPD_lease4_stat(OLD.state, OLD.subnet_id, NEW.state, NEW.subnet_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION func_lease4_ADEL() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease4_ADEL_lease4_stat_by_client_class(OLD.state, OLD.user_context);
    PERFORM lease4_ADEL_lease4_stat(OLD.state, OLD.subnet_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION func_lease6_AINS() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease6_AINS_lease6_stat_by_client_class(NEW.state, NEW.user_context, NEW.lease_type);
    PERFORM lease6_AINS_lease6_stat(NEW.state, NEW.subnet_id, NEW.lease_type);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION func_lease6_AUPD() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease6_AUPD_lease6_stat_by_client_class(OLD.state, OLD.user_context, OLD.lease_type,
                                                    NEW.state, NEW.user_context, NEW.lease_type);
    PERFORM lease6_AUPD_lease6_stat(OLD.state, OLD.subnet_id, OLD.lease_type, NEW.state, NEW.subnet_id, NEW.lease_type);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION func_lease6_ADEL() RETURNS TRIGGER AS $$
BEGIN
    PERFORM lease6_ADEL_lease6_stat_by_client_class(OLD.state, OLD.user_context, OLD.lease_type);
    PERFORM lease6_ADEL_lease6_stat(OLD.state, OLD.subnet_id, OLD.lease_type);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER lease4_ains AFTER INSERT ON lease4 FOR EACH ROW EXECUTE PROCEDURE func_lease4_AINS();
CREATE TRIGGER lease4_aupd AFTER UPDATE ON lease4 FOR EACH ROW EXECUTE PROCEDURE func_lease4_AUPD();
CREATE TRIGGER lease4_adel AFTER DELETE ON lease4 FOR EACH ROW EXECUTE PROCEDURE func_lease4_ADEL();
CREATE TRIGGER lease6_ains AFTER INSERT ON lease6 FOR EACH ROW EXECUTE PROCEDURE func_lease6_AINS();
CREATE TRIGGER lease6_aupd AFTER UPDATE ON lease6 FOR EACH ROW EXECUTE PROCEDURE func_lease6_AUPD();
CREATE TRIGGER lease6_adel AFTER DELETE ON lease6 FOR EACH ROW EXECUTE PROCEDURE func_lease6_ADEL();

-- kea-admin lease-dump and lease-upload call these.
CREATE FUNCTION lease4DumpHeader() RETURNS TEXT AS $$
    SELECT 'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context'::text;
$$ LANGUAGE SQL;

CREATE FUNCTION lease4DumpData() RETURNS TABLE (
    address INET, hwaddr VARCHAR, client_id VARCHAR, valid_lifetime BIGINT, expire BIGINT,
    subnet_id BIGINT, fqdn_fwd INT, fqdn_rev INT, hostname VARCHAR, state BIGINT, user_context VARCHAR
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
           replace(l.user_context, ',', '&#x2c')
    FROM lease4 l ORDER BY l.address;
$$ LANGUAGE SQL;

CREATE FUNCTION lease6DumpHeader() RETURNS TEXT AS $$
    SELECT 'address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source'::text;
$$ LANGUAGE SQL;

CREATE FUNCTION lease6DumpData() RETURNS TABLE (
    address VARCHAR, duid VARCHAR, valid_lifetime BIGINT, expire BIGINT, subnet_id BIGINT,
    pref_lifetime BIGINT, lease_type SMALLINT, iaid INT, prefix_len SMALLINT, fqdn_fwd INT, fqdn_rev INT,
    hostname VARCHAR, hwaddr VARCHAR, state BIGINT, user_context VARCHAR, hwtype SMALLINT, hwaddr_source SMALLINT
) AS $$
    SELECT l.address,
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
           l.hwaddr_source
    FROM lease6 l ORDER BY l.address;
$$ LANGUAGE SQL;

CREATE FUNCTION lease4Upload(address VARCHAR, hwaddr VARCHAR, client_id VARCHAR, valid_lifetime BIGINT,
                             expire BIGINT, subnet_id BIGINT, fqdn_fwd INT, fqdn_rev INT, hostname VARCHAR,
                             state BIGINT, user_context VARCHAR) RETURNS VOID AS $$
    INSERT INTO lease4 (address, hwaddr, client_id, valid_lifetime, expire, subnet_id, fqdn_fwd, fqdn_rev,
                        hostname, state, user_context)
    VALUES ($1::inet - '0.0.0.0'::inet, decode(replace($2, ':', ''), 'hex'), decode(replace($3, ':', ''), 'hex'),
            $4, to_timestamp($5), $6, $7::boolean, $8::boolean, replace($9, '&#x2c', ','), $10,
            replace($11, '&#x2c', ','));
$$ LANGUAGE SQL;

CREATE FUNCTION lease6Upload(address VARCHAR, duid VARCHAR, valid_lifetime BIGINT, expire BIGINT,
                             subnet_id BIGINT, pref_lifetime BIGINT, lease_type INT, iaid INT, prefix_len INT,
                             fqdn_fwd INT, fqdn_rev INT, hostname VARCHAR, hwaddr VARCHAR, state BIGINT,
                             user_context VARCHAR, hwtype INT, hwaddr_source INT) RETURNS VOID AS $$
    INSERT INTO lease6 (address, duid, valid_lifetime, expire, subnet_id, pref_lifetime, lease_type, iaid,
                        prefix_len, fqdn_fwd, fqdn_rev, hostname, hwaddr, state, user_context, hwtype, hwaddr_source)
    VALUES ($1, decode(replace($2, ':', ''), 'hex'), $3, to_timestamp($4), $5, $6, $7, $8, $9,
            $10::boolean, $11::boolean, replace($12, '&#x2c', ','), decode(replace($13, ':', ''), 'hex'), $14,
            replace($15, '&#x2c', ','), $16, $17);
$$ LANGUAGE SQL;

-- Lease limits (limits hook): '' when the limits in the user context of a
-- new lease allow it, else why not.
CREATE FUNCTION checkLease4Limits(user_context TEXT) RETURNS TEXT AS $$
DECLARE
    lim JSON;
    cls JSON;
    cname TEXT;
    n BIGINT;
BEGIN
    lim := json_cast(user_context)->'ISC'->'limits';
    FOR cls IN SELECT json_array_elements(lim->'client-classes') LOOP
        cname := cls->>'name';
        IF cls->'address-limit' IS NOT NULL THEN
            SELECT COALESCE((SELECT leases FROM lease4_stat_by_client_class WHERE client_class = cname), 0) INTO n;
            IF (cls->>'address-limit')::bigint <= n THEN
                RETURN 'address limit ' || (cls->>'address-limit') || ' for client class "' || cname || '", current lease count ' || n;
            END IF;
        END IF;
    END LOOP;
    IF lim->'subnet'->'address-limit' IS NOT NULL THEN
        SELECT COALESCE((SELECT leases FROM lease4_stat WHERE subnet_id = (lim->'subnet'->>'id')::bigint AND state = 0), 0) INTO n;
        IF (lim->'subnet'->>'address-limit')::bigint <= n THEN
            RETURN 'address limit ' || (lim->'subnet'->>'address-limit') || ' for subnet ID ' || (lim->'subnet'->>'id') || ', current lease count ' || n;
        END IF;
    END IF;
    RETURN '';
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION checkLease6Limits(user_context TEXT) RETURNS TEXT AS $$
DECLARE
    lim JSON;
    cls JSON;
    cname TEXT;
    n BIGINT;
    kind TEXT;
    ltype SMALLINT;
BEGIN
    lim := json_cast(user_context)->'ISC'->'limits';
    FOR cls IN SELECT json_array_elements(lim->'client-classes') LOOP
        cname := cls->>'name';
        FOREACH kind IN ARRAY ARRAY['address', 'prefix'] LOOP
            ltype := CASE kind WHEN 'address' THEN 0 ELSE 2 END;
            IF cls->(kind || '-limit') IS NOT NULL THEN
                SELECT COALESCE((SELECT leases FROM lease6_stat_by_client_class
                                 WHERE client_class = cname AND lease_type = ltype), 0) INTO n;
                IF (cls->>(kind || '-limit'))::bigint <= n THEN
                    RETURN kind || ' limit ' || (cls->>(kind || '-limit')) || ' for client class "' || cname || '", current lease count ' || n;
                END IF;
            END IF;
        END LOOP;
    END LOOP;
    FOREACH kind IN ARRAY ARRAY['address', 'prefix'] LOOP
        ltype := CASE kind WHEN 'address' THEN 0 ELSE 2 END;
        IF lim->'subnet'->(kind || '-limit') IS NOT NULL THEN
            SELECT COALESCE((SELECT leases FROM lease6_stat WHERE subnet_id = (lim->'subnet'->>'id')::bigint
                             AND lease_type = ltype AND state = 0), 0) INTO n;
            IF (lim->'subnet'->>(kind || '-limit'))::bigint <= n THEN
                RETURN kind || ' limit ' || (lim->'subnet'->>(kind || '-limit')) || ' for subnet ID ' || (lim->'subnet'->>'id') || ', current lease count ' || n;
            END IF;
        END IF;
    END LOOP;
    RETURN '';
END;
$$ LANGUAGE plpgsql;

INSERT INTO schema_version VALUES (13, 0);
