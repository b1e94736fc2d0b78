# FactoMineR reference values for tests/test_profiles.py.
#
# Run from the repository root, after make_data.py:
#   Rscript tests/reference/profiles/make_reference.R
# Reads profiles_input.csv and writes profiles_reference.json beside this
# script (full precision: jsonlite digits = NA).  FactoMineR prefixes level
# names with "<variable>_" when two variables share a level name, so every
# category is exported with its variable and its bare level separately.

suppressPackageStartupMessages({
  library(FactoMineR)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("--file=", "", args[grep("--file=", args)])
here <- if (length(script) == 1) dirname(normalizePath(script)) else "tests/reference/profiles"

raw <- read.csv(file.path(here, "profiles_input.csv"), stringsAsFactors = TRUE,
                colClasses = c(rep("factor", 8), "numeric"))
active <- c("v1", "v2", "v3", "v4", "v5", "v6")
supp <- c("s1", "s2")
X <- raw[, c(active, supp)]
w <- raw$w

# category table: variable, level, FactoMineR row name
cat_names <- function(frame) {
  out <- do.call(rbind, lapply(names(frame), function(v) {
    data.frame(variable = v, category = levels(frame[[v]]), stringsAsFactors = FALSE)
  }))
  out
}

mat <- function(m) {
  m <- as.matrix(m)
  lapply(seq_len(nrow(m)), function(i) unname(m[i, ]))
}

category_block <- function(res_part, frame) {
  # Map FactoMineR row names back to (variable, level).
  lev <- cat_names(frame)
  prefixed <- paste(lev$variable, lev$category, sep = "_")
  rn <- rownames(res_part$coord)
  dotted <- paste(lev$variable, lev$category, sep = ".")  # FactoMineR renames some as "s1.y"
  idx <- ifelse(rn %in% prefixed, match(rn, prefixed),
                ifelse(rn %in% dotted, match(rn, dotted), match(rn, lev$category)))
  stopifnot(!any(is.na(idx)))
  list(variable = lev$variable[idx], category = lev$category[idx],
       coord = mat(res_part$coord),
       contrib = if (!is.null(res_part$contrib)) mat(res_part$contrib) else NULL,
       cos2 = mat(res_part$cos2))
}

mca_block <- function(res) {
  list(eig = unname(res$eig[, 1]),
       ind_coord = mat(res$ind$coord),
       ind_contrib = mat(res$ind$contrib),
       ind_cos2 = mat(res$ind$cos2),
       var = category_block(res$var, X[, active]),
       quali_sup = if (!is.null(res$quali.sup)) category_block(res$quali.sup, X[, supp]) else NULL)
}

hcpc_block <- function(res, nb) {
  h <- HCPC(res, nb.clust = nb, consol = FALSE, graph = FALSE)
  list(nb_clust = nlevels(h$data.clust$clust),
       clust = as.integer(as.character(h$data.clust$clust[order(as.integer(rownames(h$data.clust)))])),
       inert_gain = unname(h$call$t$inert.gain),
       within = unname(h$call$t$within),
       quot = unname(h$call$t$quot))
}

catdes_block <- function(frame, clust, row.w, proba) {
  d <- cbind.data.frame(frame, clust = factor(clust))
  cd <- catdes(d, ncol(d), proba = proba, row.w = row.w)
  rows <- list()
  for (k in names(cd$category)) {
    tab <- cd$category[[k]]
    if (is.null(tab)) next
    tab <- matrix(tab, ncol = 5, dimnames = dimnames(tab))
    rn <- rownames(tab)
    for (i in seq_len(nrow(tab))) {
      parts <- strsplit(rn[i], "=", fixed = TRUE)[[1]]
      rows[[length(rows) + 1]] <- list(cluster = as.integer(k), variable = parts[1],
                                       category = parts[2], cla_mod = tab[i, 1],
                                       mod_cla = tab[i, 2], global = tab[i, 3],
                                       p_value = tab[i, 4], v_test = tab[i, 5])
    }
  }
  chi <- cd$test.chi2
  list(category = rows,
       chi2 = list(variable = rownames(chi), p_value = unname(chi[, 1]), df = unname(chi[, 2])))
}

mca_unw <- MCA(X, ncp = 5, quali.sup = 7:8, graph = FALSE)
mca_w <- MCA(X, ncp = 5, quali.sup = 7:8, row.w = w, graph = FALSE)
mca_plain <- MCA(X[, active], ncp = 5, graph = FALSE)

h_unw <- hcpc_block(mca_unw, -1)
h_w <- hcpc_block(mca_w, -1)
h_unw4 <- hcpc_block(mca_unw, 4)
h_w5 <- hcpc_block(mca_w, 5)
# consolidated (R's unweighted Hartigan-Wong kmeans from the tree centres, iter.max = 10)
h_cons <- HCPC(mca_unw, nb.clust = -1, consol = TRUE, graph = FALSE)
clust_cons <- as.integer(as.character(h_cons$data.clust$clust[order(as.integer(rownames(h_cons$data.clust)))]))

ref <- list(
  r_version = R.version.string,
  factominer_version = as.character(packageVersion("FactoMineR")),
  mca_unweighted = mca_block(mca_unw),
  mca_weighted = mca_block(mca_w),
  mca_plain_eig = unname(mca_plain$eig[, 1]),
  hcpc_unweighted = h_unw,
  hcpc_weighted = h_w,
  hcpc_unweighted_k4 = h_unw4,
  hcpc_weighted_k5 = h_w5,
  hcpc_unweighted_consolidated = clust_cons,
  catdes_unweighted_all = catdes_block(X, h_unw$clust, NULL, 1),
  catdes_unweighted = catdes_block(X, h_unw$clust, NULL, 0.05),
  catdes_weighted_all = catdes_block(X, h_w$clust, w, 1),
  catdes_weighted = catdes_block(X, h_w$clust, w, 0.05)
)

write_json(ref, file.path(here, "profiles_reference.json"), digits = NA, auto_unbox = TRUE,
           pretty = FALSE, null = "null")
cat("written", file.path(here, "profiles_reference.json"), "\n")
