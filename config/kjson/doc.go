// Package kjson reads Kea's extended JSON configuration files into a tree
// of positioned elements and writes such trees back out the way Kea does.
//
// The reader follows Kea 2.2's lexer and bison grammar for the generic JSON
// parts of a configuration: "#", "//" and "/* */" comments, <?include "path"?>
// directives (paths relative to the working directory, at most 11 nested
// levels), Kea's string escapes (\u00XX only), int64 integers, reals, and
// extraneous commas accepted with a warning. Errors and warnings print as
// Kea prints them ("file:line.col: syntax error, unexpected ..."), so that a
// typed configuration model built on top can report problems in Kea's words.
//
// Maps keep their keys in document order and carry the position of every
// key and value; duplicate keys are reported with both positions and the
// caller decides, per map, whether a duplicate is an error.
package kjson
