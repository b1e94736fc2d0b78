# Reference values for tests/test_tables.py, computed with R's survey package.
#
# Run from this folder:  Rscript make_reference.R
# Reads tables_data.csv (written by make_data.py) and writes reference.json:
# for each crosstab, every cell's weighted share and logit interval (domain =
# the column's respondents who answered, as R's subset()), the Rao–Scott F
# test (svychisq, second-order), and for the scale the means by column.
# Requires: r-base-core, r-cran-survey, r-cran-jsonlite.

suppressMessages({
  library(survey)
  library(jsonlite)
})

d <- read.csv("tables_data.csv", stringsAsFactors = FALSE)
d$org_type <- factor(d$org_type, levels = c("association", "commune", "edtech", "fondation"))
d$ai_charter <- factor(d$ai_charter, levels = c("adopted", "in_progress", "no", "dont_know"))
d$opportunity_threat_f <- factor(d$opportunity_threat, levels = 1:5)
d$top2 <- as.numeric(d$opportunity_threat >= 4)

num <- function(x) unname(as.numeric(x))

cells <- function(des, variable, codes) {
  out <- list()
  columns <- c("ensemble", levels(d$org_type))
  for (code in codes) {
    for (col in columns) {
      keep <- !is.na(des$variables[[variable]])
      if (col != "ensemble") keep <- keep & des$variables$org_type == col
      sub <- des[keep, ]
      sub$variables$hit <- as.numeric(sub$variables[[variable]] == code)
      ci <- svyciprop(~hit, sub, method = "logit", level = 0.95)
      out[[length(out) + 1]] <- list(
        row = code, col = col, estimate = num(coef(ci)),
        ci_low = num(attr(ci, "ci")[1]), ci_high = num(attr(ci, "ci")[2]),
        base = sum(keep)
      )
    }
  }
  out
}

test <- function(des, formula, variable) {
  sub <- des[!is.na(des$variables[[variable]]), ]
  r <- svychisq(formula, sub, statistic = "F")
  list(statistic = num(r$statistic), df = num(r$parameter[1]),
       df_denom = num(r$parameter[2]), pvalue = num(r$p.value))
}

designs <- list(
  weighted = svydesign(ids = ~1, weights = ~w, data = d),
  stratified = svydesign(ids = ~1, strata = ~org_type, weights = ~w, data = d)
)

result <- list()
for (name in names(designs)) {
  des <- designs[[name]]
  charter <- list(
    cells = cells(des, "ai_charter", levels(d$ai_charter)),
    test = test(des, ~ai_charter + org_type, "ai_charter")
  )
  chatgpt <- list(
    cells = cells(des, "tools__chatgpt", 1),
    test = test(des, ~tools__chatgpt + org_type, "tools__chatgpt")
  )
  scale_cells <- c(
    cells(des, "opportunity_threat", 1:5),
    lapply(cells(des, "top2", 1), function(cell) { cell$row <- "top2"; cell })
  )
  means <- list()
  for (col in c("ensemble", levels(d$org_type))) {
    sub <- if (col == "ensemble") des else des[des$variables$org_type == col, ]
    m <- svymean(~opportunity_threat, sub)
    ci <- confint(m, level = 0.95)
    means[[length(means) + 1]] <- list(
      col = col, mean = num(coef(m)), ci_low = num(ci[1]), ci_high = num(ci[2])
    )
  }
  scale <- list(
    cells = scale_cells,
    test = test(des, ~opportunity_threat_f + org_type, "opportunity_threat_f"),
    means = means
  )
  result[[name]] <- list(ai_charter = charter, tools = chatgpt, opportunity_threat = scale)
}

result$r_version <- R.version.string
result$survey_version <- as.character(packageVersion("survey"))
writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = TRUE), "reference.json")
