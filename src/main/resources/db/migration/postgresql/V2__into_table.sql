-- SubmitJobInto's target table, apart from created_table (set once the table exists); as h2/V2.
ALTER TABLE jobs ADD COLUMN into_table VARCHAR(256);
