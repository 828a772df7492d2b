#!/usr/bin/env python3
"""Writes a census-shaped CSV like the UCI "adult" data set (adult.data).

Usage: python3 bench/gen_census.py ROWS OUT [--seed N]

The file has the real file's quirks: 15 comma-separated fields and no header, a space after
every comma, "?" for missing values in workclass, occupation and native_country, and a
trailing blank line. Values are drawn from the real categories with roughly the real
frequencies; the same ROWS and seed always give the same bytes.

Columns (see examples/data/adult.names.json): age, workclass, fnlwgt, education,
education_num, marital_status, occupation, relationship, race, sex, capital_gain,
capital_loss, hours_per_week, native_country, income.
"""
import argparse
import random

WORKCLASS = [("Private", 69.7), ("Self-emp-not-inc", 7.8), ("Local-gov", 6.4), ("?", 5.6),
             ("State-gov", 4.0), ("Self-emp-inc", 3.4), ("Federal-gov", 2.9),
             ("Without-pay", 0.1), ("Never-worked", 0.1)]
EDUCATION = [("HS-grad", 9, 32.3), ("Some-college", 10, 22.4), ("Bachelors", 13, 16.4),
             ("Masters", 14, 5.3), ("Assoc-voc", 11, 4.2), ("11th", 7, 3.6), ("Assoc-acdm", 12, 3.3),
             ("10th", 6, 2.9), ("7th-8th", 4, 2.0), ("Prof-school", 15, 1.8), ("9th", 5, 1.6),
             ("12th", 8, 1.3), ("Doctorate", 16, 1.3), ("5th-6th", 3, 1.0), ("1st-4th", 2, 0.5),
             ("Preschool", 1, 0.2)]
MARITAL = [("Married-civ-spouse", 46.0), ("Never-married", 32.8), ("Divorced", 13.6),
           ("Separated", 3.1), ("Widowed", 3.0), ("Married-spouse-absent", 1.3),
           ("Married-AF-spouse", 0.1)]
OCCUPATION = [("Prof-specialty", 12.7), ("Craft-repair", 12.6), ("Exec-managerial", 12.5),
              ("Adm-clerical", 11.6), ("Sales", 11.2), ("Other-service", 10.1),
              ("Machine-op-inspct", 6.1), ("?", 5.7), ("Transport-moving", 4.9),
              ("Handlers-cleaners", 4.2), ("Farming-fishing", 3.1), ("Tech-support", 2.8),
              ("Protective-serv", 2.0), ("Priv-house-serv", 0.5), ("Armed-Forces", 0.1)]
RELATIONSHIP = [("Husband", 40.5), ("Not-in-family", 25.5), ("Own-child", 15.6),
                ("Unmarried", 10.6), ("Wife", 4.8), ("Other-relative", 3.0)]
RACE = [("White", 85.4), ("Black", 9.6), ("Asian-Pac-Islander", 3.2), ("Amer-Indian-Eskimo", 1.0),
        ("Other", 0.8)]
SEX = [("Male", 66.9), ("Female", 33.1)]
COUNTRY = [("United-States", 89.6), ("Mexico", 2.0), ("?", 1.8), ("Philippines", 0.6),
           ("Germany", 0.4), ("Canada", 0.4), ("Puerto-Rico", 0.4), ("El-Salvador", 0.3),
           ("India", 0.3), ("Cuba", 0.3), ("England", 0.3), ("Jamaica", 0.2), ("South", 0.2),
           ("China", 0.2), ("Italy", 0.2), ("Dominican-Republic", 0.2), ("Vietnam", 0.2),
           ("Guatemala", 0.2), ("Japan", 0.2), ("Poland", 0.2), ("Columbia", 0.2), ("Taiwan", 0.2),
           ("Haiti", 0.1), ("Iran", 0.1), ("Portugal", 0.1), ("Nicaragua", 0.1), ("Peru", 0.1),
           ("France", 0.1), ("Greece", 0.1), ("Ecuador", 0.1), ("Ireland", 0.1), ("Hong", 0.1),
           ("Cambodia", 0.1), ("Trinadad&Tobago", 0.1), ("Laos", 0.1), ("Thailand", 0.1),
           ("Yugoslavia", 0.1), ("Outlying-US(Guam-USVI-etc)", 0.1), ("Honduras", 0.1),
           ("Hungary", 0.1), ("Scotland", 0.1), ("Holand-Netherlands", 0.1)]
GAINS = [0] * 92 + [2174, 14084, 5178, 5013, 2407, 14344, 15024, 7688, 99999, 3103]
LOSSES = [0] * 95 + [1902, 1977, 1887, 1485, 2415]


def draw(rng, table, count):
    values = [entry[0] for entry in table]
    weights = [entry[-1] for entry in table]
    return rng.choices(values, weights, k=count)


def chunk_lines(rng, count):
    education = rng.choices(range(len(EDUCATION)), [e[2] for e in EDUCATION], k=count)
    columns = [
        [str(min(90, max(17, int(rng.gauss(38.6, 13.6))))) for _ in range(count)],
        draw(rng, WORKCLASS, count),
        [str(min(1484705, max(12285, int(rng.lognormvariate(12.0, 0.5))))) for _ in range(count)],
        [EDUCATION[i][0] for i in education],
        [str(EDUCATION[i][1]) for i in education],
        draw(rng, MARITAL, count),
        draw(rng, OCCUPATION, count),
        draw(rng, RELATIONSHIP, count),
        draw(rng, RACE, count),
        draw(rng, SEX, count),
        [str(v) for v in rng.choices(GAINS, k=count)],
        [str(v) for v in rng.choices(LOSSES, k=count)],
        [str(min(99, max(1, int(rng.gauss(40.4, 12.3))))) for _ in range(count)],
        draw(rng, COUNTRY, count),
        rng.choices(["<=50K", ">50K"], [75.9, 24.1], k=count),
    ]
    return [", ".join(fields) for fields in zip(*columns)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, help="number of records")
    parser.add_argument("out", help="file to write")
    parser.add_argument("--seed", type=int, default=1994, help="random seed (default 1994)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w", encoding="ascii", newline="\n") as out:
        left = args.rows
        while left > 0:
            count = min(left, 100_000)
            out.write("\n".join(chunk_lines(rng, count)) + "\n")
            left -= count
        # The real adult.data ends with one blank line.
        out.write("\n")


if __name__ == "__main__":
    main()
