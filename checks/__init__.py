"""zwgk checks: engine, registry, Site, parsers, one module per check. Pure functions over a Site;
they import the page model (zwgk.page) only."""
