-- The scheme://host[:port] an extract's submitter used, for its OutputLoc; as h2/V3.
ALTER TABLE jobs ADD COLUMN output_base VARCHAR(512);
