"""Model: the classifier estimator, its compiled runtime, the ArticleModel, Prediction and persistence."""
