-- SubmitJobInto's target table, kept apart from Created_Table (set once the table exists).
ALTER TABLE jobs ADD COLUMN into_table VARCHAR(256);
