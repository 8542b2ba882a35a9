// Package eval is Kea's client classification expression language: the
// lexer and parser of "test" and "template-test" expressions (and of the
// expressions hook libraries such as flex-id and flex-option take), their
// compilation into a tree of typed evaluators, and the evaluation of that
// tree against a DHCPv4 or DHCPv6 packet.
//
// The grammar is Kea 2.2's (parser.yy), plus the ARM's "known" and
// "unknown". It is run by an LALR(1) automaton built from the same grammar
// with bison's conflict and default-reduction rules, so that syntax errors
// name the same unexpected and expected tokens at the same positions as
// Kea's ("<string>:1.8: syntax error, unexpected end of file"); semantic
// errors (option codes, nest levels, undefined classes, v4-only tokens in
// DHCPv6) use Kea's wording too.
//
// An expression is compiled once, at configuration time, with Compile4 or
// Compile6, and evaluated per packet with EvalBool or EvalString and a
// Context4 or Context6 that the server fills and reuses: the context holds
// the scratch memory string results are built in, so that evaluating the
// usual expressions (option existence, substring of an option, comparison
// with a literal, member) does not allocate.
//
// Values follow Kea: every value is a byte string; booleans are "true" and
// "false"; integers are 4-byte big-endian strings; a missing option gives
// the empty string (and "false" for .exists).
package eval
