// Dependency note: github.com/cockroachdb/apd/v3 provides FEEL's number type.
// FEEL numbers are decimals, and Camunda 8's engine (feel-scala) computes them
// with java.math.BigDecimal under MathContext.DECIMAL128: 34 significant
// digits, rounding half-even. apd implements the General Decimal Arithmetic
// specification that DECIMAL128 comes from, so a Context{Precision: 34,
// Rounding: RoundHalfEven} reproduces feel-scala's results digit for digit,
// including division, and it brings the rounding modes that decimal(),
// round up(), round half down() and friends need. Small coefficients are kept
// inline, so comparisons and most arithmetic do not allocate. shopspring/decimal
// (unbounded precision, division by decimal places, allocating big.Int per
// operation) and quagmt/udecimal (19 fractional digits, not significant digits)
// would each need hand-written rounding code to match feel-scala.

// Package feel implements FEEL (Friendly Enough Expression Language), the
// expression language of DMN 1.3+ as Camunda 8 uses it in BPMN models:
// correlation keys (=orderId), sequence-flow conditions
// (=amount > 100 and customer.vip), input/output mappings, multi-instance
// collections and timer definitions (=duration("PT" + string(hours) + "H")).
//
// # Parse once, evaluate many times
//
// [Parse] turns source text (without the leading "=" of a BPMN attribute) into
// an [*Expr]; [ParseUnaryTests] does the same for unary tests ("< 10",
// "[1..5]", "\"a\", \"b\"", "-"). Syntax errors are [*SyntaxError] values that
// carry the byte offset, line and column of the problem. An Expr is immutable
// and safe for concurrent use; parse it once per model and call
// [Expr.Eval] for every evaluation.
//
// # Values and variables
//
// Evaluation produces a [Value]: null, boolean, number, string, list,
// context, date, time, date and time, days and time duration, years and
// months duration, range or function. Variables come from a [Context]. The
// engine's variables are usually JSON decoded into Go values; [Map] wraps such
// a map[string]any without copying and converts entries lazily, on the first
// (and every) access, so that evaluating =orderId against a decoded Kafka
// record costs a map lookup and no allocation. JSON numbers decoded as float64
// are compared without conversion; arithmetic converts them to decimals using
// their shortest round-tripping representation (so 0.1 means 0.1).
//
// # Errors are null, with a reason
//
// Like feel-scala, evaluation never fails: a type error ("a" + 1), a missing
// variable or a failed function call yields null. Eval also returns the
// [Warning]s that explain each such null, so the engine can raise an incident
// with a useful message, as Zeebe does.
//
// # Determinism
//
// The package does no I/O of its own and keeps no mutable global state.
// now() and today() read the clock passed with [WithClock]; without one they
// return null and a warning. Named time zones (@"...@Europe/Paris") are
// resolved with the standard library's time zone database.
//
// # Differences from feel-scala
//
// Numbers print in plain notation without trailing zeros (string(1.50) is
// "1.5"; feel-scala keeps BigDecimal's scale and prints "1.50"), which is also
// how Zeebe writes numbers into variables. Regular expressions use Go's RE2
// syntax (no back-references or look-around), and the "x" flag is not
// supported. String length and substring count Unicode code points, where
// Java counts UTF-16 units.
package feel
