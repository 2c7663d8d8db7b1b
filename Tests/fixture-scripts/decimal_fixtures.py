"""Writes Tests/OneProxyKitTests/Fixtures/data/decimal_strings.csv: decimal strings that are hard to
round (halfway and near-halfway points between doubles, subnormals, the overflow and underflow
edges, every power of ten, long mantissas) with the IEEE-754 bits of Python's float() of each, the
independent reference the number parser is checked against.

Run from the package root:  python3 Tests/fixture-scripts/decimal_fixtures.py
"""
import math, os, random, struct
from decimal import Decimal, getcontext

getcontext().prec = 1200
rng = random.Random(20261201)
texts = []

def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]

def halfway(x):
    """The exact midpoint between x and the next double up, as a Decimal."""
    return (Decimal(x) + Decimal(math.nextafter(x, math.inf))) / 2

# Well-known hard cases (fast_float's and Rick Regan's lists).
texts += ["0", "-0", "0.0", "1", "0.1", "0.2", "0.3", "7.038531e-26", "2.2250738585072011e-308",
          "2.2250738585072012e-308", "2.2250738585072014e-308", "4.9406564584124654e-324", "4.9e-324",
          "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
          "1.7976931348623158e308", "1.7976931348623159e308", "9007199254740993", "9007199254740992",
          "9007199254740991", "9007199254740995", "18014398509481987", "1e23", "8.98846567431158e307",
          "1.00000000000000011102230246251565404236316680908203125", "1.0000000000000001110223024625156540423631668090820312",
          "1.00000000000000011102230246251565404236316680908203126", "3.0540412e5", "0.000001", "123456789.123456789",
          "9.999999999999999e22", "1e22", "1e-22", "4503599627370496.5", "4503599627370497.5", "1e308", "1e-308",
          "1e309", "1e-400", "2e-324", "3e-324", "5e-324", "7e-324", "1.5e-323", "0.30000000000000004",
          "1090544144181609348835077142190", "9223372036854775807", "9223372036854775808", "18446744073709551615",
          "18446744073709551616", "6.126977205276489", "-2.5E-3", "+3", ".5", "5.", "007.50", "1E+10", "1e-5"]
# Every power of ten, and a few multiples.
for e in range(-345, 311):
    texts += [f"1e{e}", f"5e{e}", f"9.99e{e}"]
# Halfway points and their neighbours one unit of the 17th/18th/19th digit away.
for _ in range(800):
    kind = rng.random()
    if kind < 0.2:
        x = math.ldexp(rng.getrandbits(52) | (1 << 52), rng.randint(-1074, -1030))  # near subnormal edge
    elif kind < 0.3:
        x = math.ldexp(rng.getrandbits(52), -1074)  # subnormal
    else:
        x = math.ldexp(rng.getrandbits(53) | (1 << 52), rng.randint(-1100, 970))
    if not math.isfinite(x) or x == 0 or not math.isfinite(math.nextafter(x, math.inf)):
        continue
    h = halfway(x)
    texts.append(format(h, "f") if abs(h.adjusted()) < 30 else format(h, "e"))  # exact midpoint, long
    for digits in (17, 18, 19):
        q = format(h, f".{digits - 1}e")
        m, ex = q.split("e")
        d = Decimal(m)
        ulp = Decimal(1).scaleb(-(digits - 1))
        for t in (d - ulp, d, d + ulp):
            texts.append(f"{t}e{int(ex)}")
# Random 1..19-digit mantissas at any exponent, with and without a decimal point.
for _ in range(2000):
    n = rng.randint(1, 19)
    m = "".join(rng.choice("0123456789") for _ in range(n))
    e = rng.randint(-360, 330)
    p = rng.randint(0, n)
    texts.append(("-" if rng.random() < 0.3 else "") + m[:p] + "." + m[p:] + f"e{e}")
    texts.append(m + f"E{e}")
# Shortest round-trip spellings of random doubles.
for _ in range(1000):
    x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(63)))[0]
    if math.isfinite(x):
        texts.append(repr(x))

seen, rows = set(), []
for t in texts:
    if t in seen:
        continue
    seen.add(t)
    rows.append(f"{t},{bits(float(t)):016x}")
path = os.path.join(os.path.dirname(__file__), "..", "OneProxyKitTests", "Fixtures", "data", "decimal_strings.csv")
with open(path, "w") as f:
    f.write("text,bits\n" + "\n".join(rows) + "\n")
print(len(rows), "strings written to", os.path.normpath(path))
