SELECT
  toStartOfMonth(occurred_at) AS month,
  countIf(npsScore IS NOT NULL) AS nps_answers,
  countIf(npsScore >= 9) AS promoters,
  countIf(npsScore <= 6) AS detractors,
  if(nps_answers = 0, NULL, round(100 * (promoters - detractors) / nps_answers, 1)) AS nps,
  countIf(csatScore IS NOT NULL) AS csat_answers,
  if(csat_answers = 0, NULL, round(100 * countIf(csatScore >= 4) / csat_answers, 1)) AS csat
FROM survey_response_touchpoints
GROUP BY month
