"""Synthetic Denmark: a realistic national dataset of tilbud, visits and signals whose truth is known.

No facility-level data is public, so the demo, the tests, the benchmarks and the honest evaluation of
the risk model and the planner run on this world. ``generate_world(WorldConfig(...))`` returns a
``World``: the observable ``dataset`` (every file of the data contract, dated before the as-of date)
and the ``truth`` (latent quality of every tilbud in every month, up to ``future_months`` beyond the
as-of date; whether it is seriously bad; what each visit found). ``write_world`` writes them apart:
``OUT_DIR/data/*.csv`` (the contract; passes ``tilsynsplan validate``) and ``OUT_DIR/truth/*``
(never imported). ``World.visit_outcome`` tells what a visit the history did not contain would find,
with the same observation model as the history (the backtest's visits).

The generative story (every number, with its source or reasoning, is in :mod:`.params`):

1. **Tilbud** (:mod:`.facilities`, :mod:`.geography`, :mod:`.names`). ``facilities`` tilbud are active
   on the as-of date (about 2,000 nationally), split over the five socialtilsyn (Nord 15 %, Midt 18 %
   ≈ 360, Syd 25 %, Hovedstaden 24 %, Øst 18 %), located in real municipalities and postcodes of the
   authority's region (Nord = Region Nordjylland, Midt = Midtjylland, Syd = Syddanmark, Hovedstaden,
   Øst = Region Sjælland) with approximate coordinates. The type mix follows Tilbudsportalen's rough
   counts (many § 107/§ 108/botilbudslignende, opholdssteder and døgninstitutioner; few sikrede; some
   krisecentre, forsorgshjem, misbrugsbehandling and kostskoler); ownership varies by type
   (opholdssteder mostly private, § 108 mostly municipal, kostskoler self-governing) to about 59 %
   non-public. Places per type are log-normal. Most tilbud were approved in the 2014-2015
   re-approval wave or after it; about 5 % of the stock is approved each year (so about 10 % are
   under two years old) and about 4 % closes (the closed ones stay in ``facilities.csv`` with
   ``closed_on``). Non-public tilbud mostly have a board; a few children's places are respite-only.
   Danish names and target-group texts by type; ``leader_since`` is the day the current leader took
   over.
2. **Latent quality** (:mod:`.quality`), monthly, per theme, on the 1-5 scale: a persistent facility
   level (type, a *small* ownership effect of +0.04 for non-public tilbud, seed 000, a facility
   effect), an AR(1) wobble, **leader changes** (a shock that fades; bad places lose leaders faster)
   and **staff crises** (a drop that lasts while the crisis lasts, then recovers; likelier in weak and
   new places and after a leader change); new tilbud start lower and wobble more. Quality is the mean
   of the seven themes; below ``bad_threshold`` the tilbud is in a *seriously bad state* (4-5 %
   of tilbud at any time, about twice that in their first two years; spells last months to a year or
   more). The truth does not react to visits, so visiting policies can be compared on the same truth.
3. **Signals without visits** (:mod:`.signals`): magtanvendelser monthly (rate per place by type,
   a reporting culture per authority that is *not* risk — Syd's adult tilbud report about 3.5 times
   as much, so over half the ~11,700 adult reports a year come from one region — a persistent
   facility and target-group factor, and a real link to latent quality; only months with a count
   above zero are written, so a missing month means zero); concern reports (more and more severe when
   quality is low); yearly staff turnover and sickness absence relative to type norms (up in crisis
   years and with the year's quality deficit; known after the year ends).
4. **Inspectors** (:mod:`.staff`): per authority, enough weekly capacity for about 1.2
   inspector-visits per tilbud a year (the two-year rule with slack, not a yearly visit to all);
   competences ``all`` or a specialism; home postcode; holidays, courses (planned, also in the future)
   and sickness (past only). Former staff who did the pre-reform history's extra visits are listed
   with ``visits_per_week = 0``.
5. **Visit history** (:mod:`.history`): before the 2025 reform a yearly operational visit per tilbud,
   about 30 % unannounced; from 1 July 2025 the product's rule (unannounced by default, every 18-23
   months for stable tilbud, yearly for weak ones, at most 700 days between unannounced visits, a
   catch-up in the reform's first year); approval visits for new tilbud and significant changes;
   unplanned visits after concern reports; follow-ups after påbud and serious findings; enhanced
   visits under skærpet tilsyn — the history visits suspected places more (selection bias). Working
   days only (Danish public holidays), with an inspector of the tilbud's authority who has the
   competence and is not absent. Tilbud-only, this is about 2,400 visits a year before the reform
   (DOMAIN's "about 13,000 visits a year" includes 5,300-5,900 foster families and visits to
   departments of multi-department tilbud, neither of which exists here).
6. **What a visit finds** (:mod:`.observe`): a seriously bad tilbud is seen with probability 0.45
   announced, 0.80 unannounced, 0.90 at follow-up/enhanced visits. Indicator scores (1-5, only the
   indicators that apply to the type; all at approval, a themed subset otherwise) are the true theme
   quality plus the authority's calibration offset (Øst clearly harsher, seed 001), visit noise and
   indicator noise; an unseen bad place looks prepared. A seen problem brings a påbud (probability by
   authority), skærpet tilsyn when deep, rarely revocation; serious findings also show as a theme
   value ≤ 2. About 80 påbud a year; a few % of tilbud a year get a serious sanction.

``bench/world_stats.py`` prints the generated figures beside DOMAIN.md's public ones with tolerances.
"""

from data.synthetic.world import Truth, VisitOutcome, World, WorldConfig, generate_world, load_truth, write_world

__all__ = ["Truth", "VisitOutcome", "World", "WorldConfig", "generate_world", "load_truth", "write_world"]
