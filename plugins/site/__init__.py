"""`kb/site`: the help-center plugin (front matter, navigation, article pages)."""
