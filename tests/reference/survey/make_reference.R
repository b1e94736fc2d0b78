# Reference values for tests/test_survey.py, computed with R's survey package.
#
# Run from this folder:  Rscript make_reference.R
# Reads survey_data.csv (written by make_data.py) and writes reference.json.
# Requires: r-base-core, r-cran-survey, r-cran-jsonlite.

suppressMessages({
  library(survey)
  library(jsonlite)
})

d <- read.csv("survey_data.csv", stringsAsFactors = FALSE)
d$one <- rep(1, nrow(d))
d$stratum <- factor(d$stratum)
for (v in c("x2", "y3", "x4", "y5", "x4_na", "group")) d[[v]] <- factor(d[[v]])
# x_empty keeps a level ("r") that is never observed.
d$x_empty_unused <- factor(d$x_empty, levels = c("p", "q", "r", "s"))
d$x_empty <- factor(d$x_empty)

designs <- list(
  weighted = svydesign(ids = ~1, weights = ~w, data = d),
  stratified = svydesign(ids = ~1, strata = ~stratum, weights = ~w, data = d),
  # Unweighted: weights all 1 (without weights svydesign would assume equal probabilities).
  unweighted = svydesign(ids = ~1, weights = ~one, data = d)
)

num <- function(x) unname(as.numeric(x))

# ---- proportions: svyciprop (logit, beta) + svymean SE and deff ("replace") ----
proportion_cases <- list()
for (dname in names(designs)) {
  for (var in c("y_half", "y_rare", "y_common", "y_miss")) {
    if (dname == "unweighted" && var != "y_half") next
    des <- designs[[dname]]
    # Domain convention: R's subset() of the design on non-missing answers.
    des <- eval(bquote(subset(des, !is.na(.(as.name(var))))))
    f <- as.formula(paste0("~", var))
    m <- svymean(f, des, deff = "replace")
    for (method in c("logit", "beta")) {
      for (level in c(0.95, 0.9)) {
        ci <- svyciprop(f, des, method = method, level = level)
        proportion_cases[[length(proportion_cases) + 1]] <- list(
          design = dname, variable = var, method = method, level = level,
          estimate = num(coef(m)), se = num(SE(m)), deff = num(deff(m)),
          ci_low = num(attr(ci, "ci")[1]), ci_high = num(attr(ci, "ci")[2]),
          n = nrow(des), degf = degf(des)
        )
      }
    }
  }
}

# ---- means of the 1-5 scale: svymean + confint (normal quantiles) ----
mean_cases <- list()
for (dname in names(designs)) {
  des <- designs[[dname]]
  m <- svymean(~scale, des, deff = "replace")
  for (level in c(0.95, 0.9)) {
    ci <- confint(m, level = level)
    mean_cases[[length(mean_cases) + 1]] <- list(
      design = dname, variable = "scale", level = level,
      estimate = num(coef(m)), se = num(SE(m)), deff = num(deff(m)),
      ci_low = num(ci[1]), ci_high = num(ci[2]), n = nrow(des)
    )
  }
}

# ---- Rao-Scott tests: svychisq, statistic "F" and "Chisq" ----
chisq_cases <- list()
add_chisq <- function(label, dname, x, y, des) {
  f <- as.formula(paste0("~", x, "+", y))
  for (stat in c("F", "Chisq")) {
    r <- svychisq(f, des, statistic = stat)
    entry <- list(
      case = label, design = dname, x = x, y = y, statistic = stat,
      value = num(r$statistic), df = num(r$parameter[1]), pvalue = num(r$p.value)
    )
    if (stat == "F") entry$df_denom <- num(r$parameter[2])
    chisq_cases[[length(chisq_cases) + 1]] <<- entry
  }
}
add_chisq("2x3", "weighted", "x2", "y3", designs$weighted)
add_chisq("4x5", "weighted", "x4", "y5", designs$weighted)
add_chisq("2x3", "unweighted", "x2", "y3", designs$unweighted)
add_chisq("4x5", "unweighted", "x4", "y5", designs$unweighted)
add_chisq("4x5", "stratified", "x4", "y5", designs$stratified)
add_chisq("2x3", "stratified", "x2", "y3", designs$stratified)
# Empty level: R's svychisq returns NaN when a factor keeps an unused level
# (svytable keeps the empty row, chisq.test then divides by zero); the values
# after dropping the level are the reference, the NaN is recorded for the record.
add_chisq("empty_level_dropped", "weighted", "x_empty", "y3", designs$weighted)
add_chisq("empty_level_unused", "weighted", "x_empty_unused", "y3", designs$weighted)
# Missing answers: the test is computed on subset(design, !is.na(x)).
add_chisq("missing_subset", "weighted", "x4_na", "y3", subset(designs$weighted, !is.na(x4_na)))
add_chisq("missing_subset", "stratified", "x4_na", "y3", subset(designs$stratified, !is.na(x4_na)))

# ---- column proportions: svyby + svycontrast on every pair, Holm ----
column_cases <- list()
for (dname in c("weighted", "stratified")) {
  des <- designs[[dname]]
  by <- svyby(~y_group, ~group, des, svymean, covmat = TRUE)
  levs <- as.character(by$group)
  est <- coef(by)
  pairs <- combn(seq_along(levs), 2)
  diffs <- c(); ses <- c(); a <- c(); b <- c()
  for (k in seq_len(ncol(pairs))) {
    i <- pairs[1, k]; j <- pairs[2, k]
    cvec <- rep(0, length(levs)); cvec[i] <- 1; cvec[j] <- -1
    ct <- svycontrast(by, cvec)
    diffs <- c(diffs, num(coef(ct))); ses <- c(ses, num(SE(ct)))
    a <- c(a, levs[i]); b <- c(b, levs[j])
  }
  p_raw <- 2 * pnorm(-abs(diffs / ses))
  column_cases[[dname]] <- list(
    groups = levs, estimate = num(est), se = num(SE(by)),
    pairs = list(group_a = a, group_b = b, diff = diffs, se = ses,
                 p_value = p_raw, p_adjusted = p.adjust(p_raw, method = "holm"))
  )
}

out <- list(
  r_version = R.version.string,
  survey_version = as.character(packageVersion("survey")),
  proportion = proportion_cases, mean = mean_cases,
  chisq = chisq_cases, column_tests = column_cases
)
write_json(out, "reference.json", digits = NA, auto_unbox = TRUE, pretty = TRUE,
           na = "string")
cat("wrote reference.json\n")
