-- England and the seven NHS England regions (ONS codes, approximate mid-2022 population
-- estimates), so that a new installation can take pledges at once.
INSERT INTO areas (code, name, kind, parent_id, population) VALUES ('E92000001', 'England', 'nation', NULL, 57106000);
INSERT INTO areas (code, name, kind, parent_id, population) SELECT 'E40000012', 'North East and Yorkshire', 'region', id, 8280000 FROM areas WHERE code = 'E92000001';
INSERT INTO areas (code, name, kind, parent_id, population) SELECT 'E40000010', 'North West', 'region', id, 7510000 FROM areas WHERE code = 'E92000001';
INSERT INTO areas (code, name, kind, parent_id, population) SELECT 'E40000011', 'Midlands', 'region', id, 11040000 FROM areas WHERE code = 'E92000001';
INSERT INTO areas (code, name, kind, parent_id, population) SELECT 'E40000007', 'East of England', 'region', id, 6400000 FROM areas WHERE code = 'E92000001';
INSERT INTO areas (code, name, kind, parent_id, population) SELECT 'E40000003', 'London', 'region', id, 8870000 FROM areas WHERE code = 'E92000001';
INSERT INTO areas (code, name, kind, parent_id, population) SELECT 'E40000005', 'South East', 'region', id, 9380000 FROM areas WHERE code = 'E92000001';
INSERT INTO areas (code, name, kind, parent_id, population) SELECT 'E40000006', 'South West', 'region', id, 5760000 FROM areas WHERE code = 'E92000001';
