// purpose: remove entity nodes no record resolves to any more (after a re-resolution)
MATCH (e)
WHERE (e:Human OR e:Organisation OR e:Place) AND NOT EXISTS { MATCH (e)<-[:RESOLVES_TO]-() }
DELETE e;
