// purpose: one Organisation entity node per canonical id (resolution write-back)
CREATE CONSTRAINT organisation_key IF NOT EXISTS FOR (n:Organisation) REQUIRE n.entity_id IS UNIQUE;
