# Reference weights for tests/test_weighting.py, computed with R's survey package.
#
# Run from the project root (R >= 4, packages survey and jsonlite):
#   Rscript tests/reference/weighting/make_reference.R
# Reads input.csv and margins.json (written by make_input.py) and writes
# reference.csv (one row per respondent, weights with 17 significant digits)
# and reference-meta.json (survey version, settings, internal cross-checks).
#
# Cases:
#   (a) shares: survey::rake() to convergence, margins = shares x sum(w0);
#       cross-checked with calibrate(calfun = "raking").
#   (b) totals: survey::rake() on population totals (each margin sums to 10,000).
#   (c) groups: survey::rake() run separately within each group of `grp`,
#       each with its own margins (shares x the group's sum of w0).
#   (d) trimmed: survey::trimWeights() is NOT comparable (it caps weights and
#       spreads the excess over the other units, which keeps the total but
#       breaks the margins).  The comparable R estimator is bounded raking,
#       calibrate(calfun = "raking", bounds = c(L, U), bounds.const = TRUE),
#       whose weights are clip(w0 * exp(x'eta), L, U) with the margins met;
#       barometer.weighting.rake(trim = (lower, upper)) reaches the same fixed
#       point with L = lower * mean weight and U = upper * mean weight.
suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script) == 1) dirname(normalizePath(script)) else "tests/reference/weighting"

d <- read.csv(file.path(here, "input.csv"), stringsAsFactors = FALSE)
for (v in c("a", "b", "c", "grp")) d[[v]] <- factor(d[[v]])
margins <- fromJSON(file.path(here, "margins.json"), simplifyVector = FALSE)

TRIM <- c(lower = 0.2, upper = 4)
EPS_RAKE <- 1e-15  # below 1: relative to the sum of weights in survey::rake
MAXIT <- 10000

pop_frame <- function(variable, targets) {
  out <- data.frame(names(targets), unlist(targets), stringsAsFactors = FALSE)
  names(out) <- c(variable, "Freq")
  out[[variable]] <- factor(out[[variable]], levels = levels(d[[variable]]))
  out
}

rake_to <- function(data, spec, scale) {
  design <- svydesign(ids = ~1, weights = ~w0, data = data)
  vars <- names(spec)
  sample_margins <- lapply(vars, function(v) as.formula(paste("~", v)))
  pop_margins <- lapply(vars, function(v) {
    p <- pop_frame(v, spec[[v]])
    p$Freq <- p$Freq * scale
    p
  })
  raked <- rake(design, sample_margins, pop_margins,
                control = list(maxit = MAXIT, epsilon = EPS_RAKE, verbose = FALSE))
  as.numeric(weights(raked))
}

# (a) shares
total_a <- sum(d$w0)
w_shares <- rake_to(d, margins$shares, total_a)

# cross-check (a) with Newton calibration on the same margins
design <- svydesign(ids = ~1, weights = ~w0, data = d)
pop_vector <- function(spec, total) {
  c(`(Intercept)` = total,
    a2 = spec$a$a2 * total, a3 = spec$a$a3 * total,
    b2 = spec$b$b2 * total, b3 = spec$b$b3 * total, b4 = spec$b$b4 * total,
    c2 = spec$c$c2 * total)
}
pop_a <- pop_vector(margins$shares, total_a)
names(pop_a) <- c("(Intercept)", "aa2", "aa3", "bb2", "bb3", "bb4", "cc2")
cal_a <- calibrate(design, ~ a + b + c, population = pop_a, calfun = "raking",
                   maxit = 1000, epsilon = 1e-14)
w_shares_cal <- as.numeric(weights(cal_a))

# (b) totals
w_totals <- rake_to(d, margins$totals, 1)

# (c) within groups
w_groups <- rep(NA_real_, nrow(d))
for (g in names(margins$groups)) {
  rows <- which(d$grp == g)
  sub <- d[rows, ]
  w_groups[rows] <- rake_to(sub, margins$groups[[g]], sum(sub$w0))
}

# (d) bounded raking on the shares margins, bounds relative to the mean weight
mean_w <- total_a / nrow(d)
bounds <- c(TRIM[["lower"]] * mean_w, TRIM[["upper"]] * mean_w)
cal_d <- calibrate(design, ~ a + b + c, population = pop_a, calfun = "raking",
                   bounds = bounds, bounds.const = TRUE, maxit = 1000, epsilon = 1e-14)
w_trimmed <- as.numeric(weights(cal_d))
stopifnot(is.null(attr(cal_d, "failed")))

fmt <- function(x) sprintf("%.17g", x)
out <- data.frame(id = d$id, shares = fmt(w_shares), shares_calibrate = fmt(w_shares_cal),
                  totals = fmt(w_totals), groups = fmt(w_groups), trimmed = fmt(w_trimmed))
write.csv(out, file.path(here, "reference.csv"), row.names = FALSE, quote = FALSE)

untrimmed_ratio <- range(w_shares) / mean_w
meta <- list(
  r_version = R.version.string,
  survey_version = as.character(packageVersion("survey")),
  rake_control = list(maxit = MAXIT, epsilon = EPS_RAKE),
  trim = as.list(TRIM),
  trim_absolute_bounds = bounds,
  untrimmed_ratio_range = untrimmed_ratio,
  trimmed_ratio_range = range(w_trimmed) / mean_w,
  max_abs_diff_rake_vs_calibrate = max(abs(w_shares - w_shares_cal))
)
writeLines(toJSON(meta, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(here, "reference-meta.json"))
