-- Monthly fact partitions are created by this function, not by the loader's own DDL, so that any
-- login role in tributary_loader can load a month that has no partition yet: creating or
-- attaching a partition requires owning the partitioned table, which only the role that ran the
-- migrations does. The function runs as that owner (SECURITY DEFINER, with a fixed search_path),
-- so the partition is owned by it as well and gets the default privileges of migration 0004:
-- SELECT for tributary_bi, read and write for tributary_loader. Only tributary_loader may call it;
-- its arguments are bound parameters, checked here, and quoted with format('%I'). pg_catalog comes
-- first in its search_path and the tables are named with their schema, so nothing a caller can
-- create in public (the loader may) is run with the owner's rights.
--
-- Not CREATE TABLE ... PARTITION OF, which locks the parent ACCESS EXCLUSIVE until commit and so
-- blocks (and can deadlock with) every concurrent load; ATTACH takes SHARE UPDATE EXCLUSIVE, which
-- lets other loads read and insert. Callers serialise creation with an advisory lock.
CREATE FUNCTION tributary_create_fact_partition(parent text, month_key integer) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  part_name text;
  first_key integer;
  next_key integer;
BEGIN
  IF parent IS NULL OR parent NOT IN ('fact_listen', 'fact_page_view', 'fact_auth',
                                      'fact_status_change') THEN
    RAISE EXCEPTION 'not a fact table: %', parent USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF month_key IS NULL OR month_key / 100 NOT BETWEEN 1 AND 9999
     OR month_key % 100 NOT BETWEEN 1 AND 12 THEN
    RAISE EXCEPTION 'not a month YYYYMM: %', month_key USING ERRCODE = 'invalid_parameter_value';
  END IF;
  part_name := parent || '_p' || month_key;
  first_key := month_key * 100 + 1;
  next_key := CASE WHEN month_key % 100 = 12 THEN (month_key / 100 + 1) * 10000 + 101
                   ELSE (month_key + 1) * 100 + 1 END;
  IF to_regclass(format('public.%I', part_name)) IS NULL THEN
    EXECUTE format('CREATE TABLE public.%I (LIKE public.%I INCLUDING DEFAULTS'
                   ' INCLUDING CONSTRAINTS INCLUDING INDEXES)', part_name, parent);
    EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION public.%I FOR VALUES FROM (%s) TO (%s)',
                   parent, part_name, first_key, next_key);
  END IF;
  RETURN part_name;
END
$$;
REVOKE ALL ON FUNCTION tributary_create_fact_partition(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tributary_create_fact_partition(text, integer) TO tributary_loader;
