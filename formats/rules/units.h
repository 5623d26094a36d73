/*
 * formats/rules/units.h - which quantities can be compared, from the data
 * file formats/data/units.json (compiled in): UN/ECE Recommendation 20
 * codes grouped by what they measure.  Not installed.
 */
#ifndef SDX_RULES_UNITS_H
#define SDX_RULES_UNITS_H

/*
 * How many of `to` one `from` is (1000 from TNE to KGM): 1 and *out, or 0
 * when the two units are not of one group in the table (pieces and
 * kilograms), or the table cannot be read.
 */
int sdx__unit_ratio(double *out, const char *from, const char *to);

#endif
