"""`python -m fastact SUBCOMMAND`: one module per subcommand (HELP and register(parser)); args holds what they share."""
