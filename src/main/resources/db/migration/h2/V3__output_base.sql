-- The scheme://host[:port] an extract job's submitter used, so its OutputLoc points back at it.
ALTER TABLE jobs ADD COLUMN output_base VARCHAR(512);
