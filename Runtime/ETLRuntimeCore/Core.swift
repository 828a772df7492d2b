import ETLArrow
