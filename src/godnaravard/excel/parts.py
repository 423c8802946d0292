"""Delbelopp: the live model's arithmetic, step by step (see ``model``).

The sheet shows, as formulas over the parameters and Underlag:

- every budget line: its total, base amount per recipient, carved-out parts, what the shares
  divide, the sum over the recipients and a check cell saying whether it still sums exactly;
- every part: how its amount is fixed (a fixed amount, the rest, or a share of what is left,
  split between the parts by largest remainders in integers);
- the rural key's weights as integers, against the reference weights of the data;
- one block per part, recipient by recipient: the integer weight, the exact share, its floor,
  the remainder, the rank among the remainders, the rounded amount and the balancing krona, a
  sum row, the amount to share and the kronor left after the floors, and a check cell.

The bilaga sheets take their amounts from here.
"""

from __future__ import annotations

from ..core import ROUNDING_RULE
from .cells import OK, Sheet, display, formula_text, range_ref
from .context import Context, code_label, rural_label, text_columns
from .line_checks import line_check, line_ok, rest_expr
from .model import SPLIT, TWO53, Model, weight_ok
from .reconciliation import rule_name

__all__ = ["part_label", "write_parts"]


def part_label(line_label: str, part_label_: str) -> str:
    """The name of a part on the sheet: its line and its own label."""
    return f"{line_label}: {part_label_}"


def floor_formula(total: str, weight: str, weights: str) -> str:
    """``⌊total · weight / weights⌋`` exactly: the floating-point quotient, corrected by one either way."""
    return floor_div(f"{total}*{weight}", weights)


def floor_div(n: str, d: str) -> str:
    """``⌊n / d⌋`` of two integers below 2⁵³, exactly: ``INT`` of the quotient, corrected by one either way
    where the remainder ``n − d · q`` falls outside ``[0, d)`` (never ``MOD``)."""
    q = f"INT(({n})/{d})"
    return f"IF({d}>0,{q}-(({n})-{d}*{q}<0)+(({n})-{d}*{q}>={d}),0)"


def in_units(amount: str, unit: int) -> str:
    """An amount in kronor counted in units of ``unit`` kronor (``round_to``, issue 17 §2)."""
    return amount if unit == 1 else f"({amount}/{unit})"


def times(unit: int, expression: str) -> str:
    """``unit × (expression)``: an amount in units back in kronor."""
    return expression if unit == 1 else f"{unit}*({expression})"


def whole_units(amount: str, unit: int) -> str:
    """``,COND``: that ``amount`` is a whole number of units (without ``MOD``), for an ``AND``; "" for kronor."""
    return "" if unit == 1 else f",{amount}-{unit}*INT({amount}/{unit})=0"


def rank_formula(rem_rng: str, rem: str, w_rng: str, w: str, key_rng: str, key: str) -> str:
    """The place of a remainder: larger remainder first, then larger weight, then the smaller key."""
    return (f"1+SUMPRODUCT(({rem_rng}>{rem})+({rem_rng}={rem})*({w_rng}>{w})"
            f"+({rem_rng}={rem})*({w_rng}={w})*({key_rng}<{key}))")


def _lines(s: Sheet, ctx: Context, m: Model) -> None:
    ag = ctx.agreement
    res = ctx.result
    c = m.cols
    n = len(m.codes)
    s.text(m.lines_header - 1, 0, "Budgetrader: grundbelopp, fasta delar och det som delas i andelar", s.f.label,
           grow=False)
    s.header_span(m.lines_header, 0, m.cols.names, "Budgetrad")
    s.header(m.lines_header, ["Budget (kronor)", f"Grundbelopp per {ag.rules.recipient} (kronor)",
                              "Antal mottagare", "Fasta delar (kronor)", "Att dela i andelar (kronor)",
                              "Summa över mottagarna (kronor)", "Kontroll"], col0=c.weight,
             numeric=range(c.weight, c.adjustment))
    for ln in ag.rules.lines:
        row = m.line_rows[ln.name]
        col = res.columns[ln.name]
        steps = m.steps[ln.name]  # the line's plan (core.plan): base, carved parts, the split
        params = res.parameters
        s.merged(row, 0, c.names, ln.label or ln.name, s.f.wrap)
        s.formula(row, c.weight, f"={m.name(steps.total)}", col.total)
        base = col.base_per_region
        if steps.base:
            s.formula(row, c.exact, f"={m.name(steps.base)}", base)
        else:
            s.number(row, c.exact, 0)
        s.number(row, c.floor, n, s.f.count)
        carved = [p.amount for p in steps.carved]
        carved_sum = sum(params.amount(key) for key in carved)
        if carved:
            s.formula(row, c.remainder, "=" + "+".join(m.name(key) for key in carved), carved_sum)
        else:
            s.number(row, c.remainder, 0)
        s.formula(row, c.rank, f"={rest_expr(m, ln)}" + (f"-({'+'.join(m.name(key) for key in carved)})"
                                                         if carved else ""),
                  col.total - n * base - carved_sum)
        sums = [m.cell(m.blocks[(ln.name, p.name)].sum_row, c.amount, local=True) for p in steps.parts]
        summed = "+".join(([f"{n}*{m.name(steps.base)}"] if steps.base else []) + sums)
        s.formula(row, c.amount, f"={summed}", col.total)
        s.check(row, c.adjustment, line_check(m, ln, m.cell(row, c.amount, local=True)), OK)
    s.block(m.lines_header - 1, max(m.line_rows.values()))


def _how(ctx: Context, kind: str, part_share: str, part_amount: str, alone: bool) -> str:
    info = ctx.agreement.parameter_info
    if kind == "carved" and part_amount:
        return f"fast belopp: {info[part_amount].label}" if part_amount in info else "fast belopp"
    if part_share:
        return f"andel: {info[part_share].label}" if part_share in info else "andel"
    return "hela beloppet" if alone else "resten"


def _parts_table(s: Sheet, ctx: Context, m: Model) -> None:
    ag = ctx.agreement
    c = m.cols
    head = m.parts_header
    s.text(head - 1, 0, "Delar: hur varje dels belopp bestäms (andelarna delas efter största rest, i heltal)",
           s.f.label, grow=False)
    s.header_span(head, 0, c.names, "Del")
    s.header(head, ["Vikt (heltal)", "Exakt (kronor)", "Heltal (kronor)", "Rest (täljare)", "Plats",
                    "Belopp (kronor)", "Ordning vid lika rest"], col0=c.weight, numeric=range(c.weight, c.adjustment + 1))
    last = head
    for ln in ag.rules.lines:
        rows = [sr for (line, _), sr in m.split_rows.items() if line == ln.name]
        line_row = m.line_rows[ln.name]
        remaining = m.cell(line_row, c.rank, absolute=True, local=True)
        ok = line_ok(m, ln)
        split = [sr for sr in rows if sr.kind == "split"]
        if split:
            first, end = split[0].row, split[-1].row
            w_rng = range_ref(first, end, c.weight, absolute=True)
            q_rng = range_ref(first, end, c.floor, absolute=True)
            r_rng = range_ref(first, end, c.remainder, absolute=True)
            o_rng = range_ref(first, end, c.adjustment, absolute=True)
            gcd = "GCD(" + ",".join(f"{sr.unreduced}" for sr in split) + ")"
        for sr in rows:
            row = sr.row
            last = max(last, row)
            p = sr.step
            how = _how(ctx, sr.kind, p.share, p.amount, len(m.steps[ln.name].parts) == 1 and not ln.base)
            s.merged(row, 0, c.names, f"{part_label(ln.label or ln.name, sr.part.label or p.name)} ({how})")
            if sr.kind == "carved":
                s.formula(row, c.amount, f"=IF({ok},{m.name(p.amount)},NA())", sr.amount)
                continue
            if sr.kind == "rest":
                s.formula(row, c.amount, f"=IF({ok},{remaining},NA())", sr.amount)
                continue
            w, q, r = (m.cell(row, col, local=True) for col in (c.weight, c.floor, c.remainder))
            units = in_units(remaining, sr.unit)  # round_to: the split counts units (issue 17 §2)
            total_w = sum(x.weight for x in split)
            s.formula(row, c.weight, f"=IF({ok},({sr.unreduced})/{gcd},NA())", sr.weight, s.f.count)
            s.formula(row, c.exact, f"=IF(SUM({w_rng})>0,{remaining}*{w}/SUM({w_rng}),0)",
                      float(sum(x.amount for x in split) * sr.weight / total_w) if total_w else 0.0, s.f.exact)
            guard = f"{units}*MAX({w_rng})+SUM({w_rng})>{TWO53}"
            if sr.unit > 1:
                guard = f"OR({guard},NOT(AND(TRUE{whole_units(remaining, sr.unit)})))"
            s.formula(row, c.floor, f"=IF({guard},NA(),{floor_formula(units, w, f'SUM({w_rng})')})", sr.floor)
            s.formula(row, c.remainder, f"={units}*{w}-SUM({w_rng})*{q}", sr.remainder, s.f.count)
            s.formula(row, c.rank, "=" + rank_formula(r_rng, r, w_rng, w, o_rng, m.cell(row, c.adjustment, local=True)),
                      sr.rank, s.f.count)
            s.formula(row, c.amount, "=" + times(sr.unit, f"{q}+IF({m.cell(row, c.rank, local=True)}<={units}"
                                                           f"-SUM({q_rng}),1,0)"), sr.amount)
            s.number(row, c.adjustment, sr.order, s.f.count)
    s.block(head - 1, last)


def _rural(s: Sheet, ctx: Context, m: Model) -> None:
    rb = m.rural
    assert rb is not None
    ag = ctx.agreement
    c = m.cols
    n = len(m.codes)
    info = ag.parameter_info
    s.text(rb.title_row, 0, f"{rural_label(ag)}: vikterna som heltal, mot datafilens referensvikter", s.f.label, grow=False)
    s.header_span(rb.title_row + 1, 0, c.names, "Vikt")
    s.header(rb.title_row + 1, ["Värde", "Nämnare", "Heltal", "Referensvikt (heltal)"], col0=c.weight,
             numeric=range(c.weight, c.weight + 4))
    values = list(ctx.result.parameters.weights(rb.key).values())
    n_cells = []
    for k, (row, key) in enumerate(zip(rb.rows, rb.weights, strict=True)):
        name = m.name(key)
        d = rb.denominators[k]
        s.merged(row, 0, c.names, info[key].label if key in info else key)
        s.formula(row, c.weight, f"={name}", display(values[k]), s.f.weight)
        s.number(row, c.exact, d, s.f.count)
        s.formula(row, c.floor, f"=ROUND({name}*{d},0)*{rb.common // d}", rb.numerators[k], s.f.count)
        s.number(row, c.remainder, rb.reference[k], s.f.count)
        n_cells.append(m.cell(row, c.floor, absolute=True, local=True))
    r_cells = [m.cell(row, c.remainder, absolute=True, local=True) for row in rb.rows]
    total_n, total_r = "(" + "+".join(n_cells) + ")", "(" + "+".join(r_cells) + ")"
    prop = ",".join(f"{nc}*{total_r}={rc}*{total_n}" for nc, rc in zip(n_cells, r_cells, strict=True))
    s.merged(rb.proportional_row, 0, c.names, "Vikterna är proportionella mot referensvikterna")
    s.formula(rb.proportional_row, c.weight, f'=IF(IFERROR(AND({total_n}>0,{prop}),FALSE),"ja","nej")',
              "ja" if rb.proportional else "nej", s.f.right)
    s.merged(rb.known_row, 0, c.names, f"Invånare per kategori kända för alla {n} mottagare")
    counts = ",".join(f"COUNT({m.input_range(col)})={n}" for col in m.rural_layout.count_columns)
    s.formula(rb.known_row, c.weight, f'=IF(AND({counts}),"ja","nej")', "ja" if rb.all_known else "nej", s.f.right)
    s.merged(rb.gcd_row, 0, c.names, "Största gemensamma delare av heltalen")
    s.formula(rb.gcd_row, c.weight, f"=GCD({','.join(n_cells)})", rb.gcd, s.f.count)
    ok = f"AND({','.join(weight_ok(m.name(k)) for k in rb.weights)})"
    p_cell = m.cell(rb.proportional_row, c.weight, absolute=True, local=True)
    k_cell = m.cell(rb.known_row, c.weight, absolute=True, local=True)
    good_p, good_k, refuse = m.rural_messages()
    value = m.rural_check_value()
    s.text(rb.check_row, 0, "Kontroll", s.f.label)
    s.check(rb.check_row, c.weight,
            f'=IF(NOT(IFERROR({ok},FALSE)),"fel: en vikt är inget tal ≥ 0",IF({p_cell}="ja",{formula_text(good_p)},'
            f'IF({k_cell}="ja",{formula_text(good_k)},{formula_text(refuse)})))',
            value, span=c.adjustment - c.weight)
    s.block(rb.title_row, rb.check_row)


def _weight(m: Model, i: int, key: str) -> str:
    """Recipient ``i``'s integer weight under a key, as a formula expression."""
    spec = m.agreement.rules.keys[key]
    if spec.kind != "landsbygd":
        return m.input_cell(spec.column, i)
    rb = m.rural
    assert rb is not None
    c = m.cols
    layout = m.rural_layout
    counts = [m.input_cell(col, i) for col in layout.count_columns]  # the key's categories, in order
    v = m.input_cell(layout.weighted_sum, i) if layout.weighted_sum else "NA()"
    n_cells = [m.cell(row, c.floor, absolute=True, local=True) for row in rb.rows]
    p_cell = m.cell(rb.proportional_row, c.weight, absolute=True, local=True)
    k_cell = m.cell(rb.known_row, c.weight, absolute=True, local=True)
    gcd = m.cell(rb.gcd_row, c.weight, absolute=True, local=True)
    known = f"AND({','.join(f'ISNUMBER({x})' for x in counts)})"
    at_reference = "+".join(f"{r}*{x}" for r, x in zip(rb.reference, counts, strict=True))
    at_weights = "(" + "+".join(f"{nc}*{x}" for nc, x in zip(n_cells, counts, strict=True)) + f")/{gcd}"
    return f'IF({p_cell}="ja",IF({known},{at_reference},{v}),IF({k_cell}="ja",{at_weights},NA()))'


def _block_recipients(s: Sheet, ctx: Context, m: Model, key: tuple[str, str]) -> None:
    """The rows of one part's block, one recipient each, as live integer formulas (see ``_block``)."""
    b = m.blocks[key]
    c = m.cols
    names = text_columns(ctx.agreement)[-1:]
    regions = ctx.result.inputs.recipients
    part = ctx.result.part(*key)
    total = m.cell(b.total_row, c.amount, absolute=True, local=True)
    left = m.cell(b.left_row, c.amount, absolute=True, local=True)
    ok = m.cell(b.check_row, c.weight, absolute=True, local=True)
    w_rng, r_rng, k_rng = (range_ref(b.first, b.last, col, absolute=True) for col in (c.weight, c.remainder, 0))
    weights = m.cell(b.sum_row, c.weight, absolute=True, local=True)
    t1, t0 = (m.cell(b.total_row, col, absolute=True, local=True) for col in (c.high, c.high_rest))
    big = SPLIT
    u = b.unit  # round_to (issue 17 §2): floors, remainders and the leftover count units of u kronor
    for i, region in enumerate(regions):
        row = b.first + i
        code = region.code
        s.text(row, 0, code)
        for j, x in enumerate(names):
            s.text(row, 1 + j, region.text(x))
        w, q, r, rank, amount, qa, ra = (m.cell(row, col, local=True) for col in (
            c.weight, c.floor, c.remainder, c.rank, c.amount, c.high, c.high_rest))
        s.formula(row, c.weight, "=" + _weight(m, i, b.step.key), b.weights[code], s.f.count)
        s.formula(row, c.exact, f'=IF({ok}="ja",IF({weights}>0,{total}*{w}/{weights},0),NA())',
                  float(part.exact[code]), s.f.exact)
        low = f"{ra}*{big}+{t0}*{w}"
        s.formula(row, c.floor, f'=IF({ok}="ja",{qa}*{big}+{floor_div(low, weights)},NA())', b.floors[code])
        s.formula(row, c.remainder, f"={low}-{weights}*({q}-{qa}*{big})", b.remainders[code], s.f.count)
        s.formula(row, c.rank, "=" + rank_formula(r_rng, r, w_rng, w, k_rng, m.cell(row, 0, local=True)),
                  b.ranks[code], s.f.count)
        s.formula(row, c.amount, "=" + times(u, f"{q}+IF({rank}<={left},1,0)"), part.amounts[code])
        s.formula(row, c.adjustment, f"={amount}-{times(u, q)}", part.adjustment(code), s.f.count)
        # Outside the printed area: the high half's floor and remainder.
        high, high_rest = divmod(b.total // u // big * b.weights[code], sum(b.weights.values()) or 1)
        s.ws.write_formula(row, c.high, f'=IF({ok}="ja",{floor_formula(t1, w, weights)},NA())', s.f.count, high)
        s.ws.write_formula(row, c.high_rest, f"={t1}*{w}-{weights}*{qa}", s.f.count, high_rest)


def _block(s: Sheet, ctx: Context, m: Model, key: tuple[str, str]) -> None:
    """One part recipient by recipient: weight, exact share, floor, remainder, rank and amount (avsnitt 12)."""
    b = m.blocks[key]
    c = m.cols
    ag = ctx.agreement
    part = ctx.result.part(*key)
    s.text(b.title_row, 0, b.label, s.f.label, grow=False)
    whole, balancing = ("Heltal (kronor)", "Utjämningskrona") if b.unit == 1 else (
        f"Heltal (enheter om {b.unit:,} kr)".replace(",", " "), "Utjämning (kronor)")  # round_to, issue 17 §2
    s.header(b.header_row, [code_label(ag), *(ag.label(x) for x in text_columns(ag)[-1:]), "Vikt (heltal)",
                            "Exakt andel (kronor)", whole, "Rest (täljare)", "Plats", "Avrundat (kronor)",
                            balancing],
             numeric=range(c.weight, c.adjustment + 1))
    total = m.cell(b.total_row, c.amount, absolute=True, local=True)
    ok = m.cell(b.check_row, c.weight, absolute=True, local=True)
    w_rng, q_rng, r_rng, a_rng, k_rng = (range_ref(b.first, b.last, col, absolute=True)
                                         for col in (c.weight, c.floor, c.remainder, c.amount, 0))
    weights = m.cell(b.sum_row, c.weight, absolute=True, local=True)
    # The amount in two halves, T = T1 · B + T0, so that no product exceeds 2⁵³ (see ``model``).
    t1 = m.cell(b.total_row, c.high, absolute=True, local=True)
    big = SPLIT
    _block_recipients(s, ctx, m, key)
    row = b.sum_row
    s.text(row, 0, "Summa", s.f.total_label)
    for col in range(1, c.adjustment + 1):
        s.ws.write_blank(row, col, None, s.f.total_text)
    s.total(row, c.weight, b.first, b.last, sum(b.weights.values()))
    s.total(row, c.exact, b.first, b.last, float(part.total), s.f.total_decimal)
    s.total(row, c.floor, b.first, b.last, sum(b.floors.values()))
    s.total(row, c.amount, b.first, b.last, part.total)
    s.total(row, c.adjustment, b.first, b.last, sum(part.adjustment(x) for x in part.amounts))
    sr = m.split_rows[key]
    s.text(b.total_row, 0, "Att fördela (kronor)", grow=False)
    s.formula(b.total_row, c.amount, f"={m.cell(sr.row, c.amount, local=True)}", part.total)
    units = in_units(total, b.unit)
    s.ws.write_formula(b.total_row, c.high, f"=INT({units}/{big})", s.f.count, part.total // b.unit // big)
    s.ws.write_formula(b.total_row, c.high_rest, f"={units}-{big}*{t1}", s.f.count, part.total // b.unit % big)
    if key == next(iter(m.blocks)):
        s.ws.write_string(b.header_row, c.high, f"Hjälp: heltal av (belopp ÷ {big:,}) × vikt ÷ viktsumma".replace(
            ",", " "), s.f.header)
        s.ws.write_string(b.header_row, c.high_rest, "Hjälp: dess rest", s.f.header)
        s.ws.set_column(c.high, c.high_rest, 16)
    s.text(b.left_row, 0, "Utjämningskronor att dela ut (att fördela − summa heltal)", grow=False)
    s.formula(b.left_row, c.amount, f"={units}-SUM({q_rng})", b.leftover, s.f.count)
    s.text(b.check_row, 0, "Kontroll", s.f.label)
    s_cell = weights
    s.formula(b.check_row, c.weight,
              f'=IF(AND(ISNUMBER({total}),ISNUMBER({s_cell})),IF(AND({total}<={TWO53},{t1}*MAX({w_rng})+{s_cell}<={TWO53},'
              f'({s_cell}+MAX({w_rng}))*{big}<={TWO53},OR({total}=0,{s_cell}>0){whole_units(total, b.unit)}),'
              '"ja","nej"),"nej")', "ja", s.f.right)
    too_big = (f"fel: talen är för stora för att räknas exakt ((viktsumma + största vikt) × {big:,} ≥ 2^53)"
               .replace(",", " "))
    s.check(
        b.check_row, c.exact,
        f'=IF({ok}<>"ja",IF(NOT(ISNUMBER({total})),"fel: delens belopp kan inte beräknas (se budgetraden ovan)",'
        f'IF(NOT(ISNUMBER({s_cell})),"fel: vikterna kan inte beräknas (se nyckelns vikter ovan)",'
        f'IF({s_cell}=0,"fel: alla vikter är noll","{too_big}"))),'
        f'IF(SUM({a_rng})={total},"{OK}","fel: summan är inte delens belopp"))',
        OK, span=c.adjustment - c.exact)
    # The block may run on to the next page (under the repeated headings), but never from its headings alone.
    s.block(b.title_row, min(b.first + 2, b.check_row))
    s.block(b.sum_row, b.check_row)


def write_parts(s: Sheet, ctx: Context, m: Model) -> None:
    """Every budget line, every part, the rural key and each part recipient by recipient, as live formulas."""
    ag = ctx.agreement
    s.title(
        ctx.title("Delbelopp: varje budgetrad och varje separat avrundad del"),
        ctx.note(
            "Arbetsbokens beräkning, steg för steg: varje del fördelas efter sin nyckel och avrundas för sig till hela "
            f"kronor med {rule_name(ROUNDING_RULE)} (golv, sedan en utjämningskrona var till de största resterna; "
            f"lika rest: större vikt, sedan lägre {code_label(ag).lower()}). Allt räknas i heltal, så resultatet är "
            "exakt; ändras en parameter på bladet Parametrar räknas allt om. Exakta andelar visas med fyra decimaler."
        ),
    )
    _lines(s, ctx, m)
    _parts_table(s, ctx, m)
    if m.rural is not None:
        _rural(s, ctx, m)
    for key in m.blocks:
        _block(s, ctx, m, key)
    # Every block recipient by recipient has the same headings: printing repeats the first block's on each page.
    blocks = list(m.blocks.values())
    if blocks:
        s.repeat = (blocks[0].header_row, blocks[-1].check_row)
    c = m.cols
    for col, width in ((0, 8), (1, 26), (c.weight, 14), (c.exact, 17), (c.floor, 14), (c.remainder, 13),
                       (c.rank, 14), (c.amount, 14), (c.adjustment, 16)):
        s.width(col, width)
